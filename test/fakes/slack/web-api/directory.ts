import type { ApiTable } from './context.js';

// Who is who: the bot's own identity, users (admin/owner flags decide who may configure the
// bot), user groups (the moderators group may too) and the team.

export const directoryMethods: ApiTable = {
  'auth.test': (_args, { ws }) => {
    const { teamId, teamName, botUserId, botId } = ws.identity;
    const domain = ws.directory.teamInfo().domain as string;
    return {
      url: `https://${domain}.slack.com/`,
      team: teamName,
      user: ws.directory.user(botUserId)?.name ?? 'bot',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    };
  },

  'users.info': (args, { ws }) => ({ user: ws.directory.userInfo(args.required('user')) }),

  'usergroups.users.list': (args, { ws }) => ({ users: ws.directory.usergroupMembers(args.required('usergroup')) }),

  'usergroups.list': (args, { ws }) => ({ usergroups: ws.directory.usergroupList(args.bool('include_users', false)) }),

  'team.info': (_args, { ws }) => ({ team: ws.directory.teamInfo() }),
};
