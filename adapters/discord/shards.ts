import { fetchRecommendedShardCount, Routes, ShardingManager } from 'discord.js';
import type { ShardOptions } from '../../src/cli/index.js';

/** The options the CLI's `start --shards` passes (declared once, on the CLI's side of the port). */
export type DiscordShardsOptions = ShardOptions;

export interface DiscordShards {
  count: number;
  stop(): Promise<void>;
}

/**
 * Discord sharding with discord.js's own ShardingManager: one child process per shard, each the
 * normal Discord adapter (the Client reads its SHARDS / SHARD_COUNT from the environment the
 * manager gives it), respawned when it dies.
 */
export async function startDiscordShards(options: DiscordShardsOptions): Promise<DiscordShards> {
  const log = options.logger.child({ component: 'discord-shards' });
  const count = options.shards === 'auto' ? await recommendedShards(options) : options.shards;
  const manager = new ShardingManager(options.file, {
    token: options.token,
    totalShards: count,
    shardArgs: options.args,
    execArgv: options.execArgv,
    mode: 'process',
    respawn: true,
  });
  manager.on('shardCreate', (shard) => {
    log.info({ shard: shard.id, of: count }, 'starting Discord shard process');
    shard.on('death', () => log.warn({ shard: shard.id }, 'Discord shard process exited; respawning'));
    shard.on('error', (err) => log.error({ err, shard: shard.id }, 'Discord shard process error'));
  });
  await manager.spawn({ amount: count, delay: options.spawnDelayMs ?? 5_500, timeout: 60_000 });
  log.info({ shards: count }, 'all Discord shards ready');
  return {
    count,
    stop: async () => {
      manager.respawn = false;
      await Promise.all(
        [...manager.shards.values()].map(
          (shard) =>
            new Promise<void>((resolve) => {
              const child = shard.process;
              if (!child || child.exitCode !== null) return resolve();
              child.once('exit', () => resolve());
              // SIGTERM: the shard's own `start` stops cleanly (the default of ChildProcess.kill).
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

async function recommendedShards(options: DiscordShardsOptions): Promise<number> {
  if (!options.apiUrl) return fetchRecommendedShardCount(options.token);
  const res = await fetch(`${options.apiUrl.replace(/\/+$/, '')}/v10${Routes.gatewayBot()}`, { headers: { Authorization: `Bot ${options.token}` } });
  if (!res.ok) throw new Error(`GET /gateway/bot answered ${res.status}`);
  const { shards } = (await res.json()) as { shards: number };
  return Math.max(1, shards);
}
