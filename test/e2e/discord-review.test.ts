import { discordReviewWorld } from './review/discord.js';
import { reviewSuite } from './review/suite.js';

reviewSuite('Discord', discordReviewWorld);
