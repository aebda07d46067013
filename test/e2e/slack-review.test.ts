import { slackReviewWorld } from './review/slack.js';
import { reviewSuite } from './review/suite.js';

reviewSuite('Slack', slackReviewWorld);
