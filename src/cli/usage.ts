export const USAGE = `normguard — a moral-reasoning moderation judge served by Ollama

Usage:
  normguard start                                   run the service (HTTP API, and chat adapters when configured)
  normguard start --role gateway|worker             scale out (needs REDIS_URL): gateways run the adapters and
                                                    queue passive audits; workers run the queued audits
  normguard start [--role gateway] --shards auto|N  Discord in N shard processes (discord.js ShardingManager)
  normguard check    --situation S --intent I --action A   is the action permissible? (frame S3)
  normguard evaluate --situation S --intent I --action A   moral evaluation of the action (frame S2)
  normguard advise   --situation S --intent I              ethical assessment and action plan (frame S1)
  normguard why      --norm N --situation S                why the norm matters here (frame S4)
  normguard doctor                                  check the config and every Ollama host (thinking control, logprobs)
  normguard calibrate [--stories N] [--probes N]    measure each frame's lean on the served model, recommend a
                                                    method and score threshold, and store them under its digest
  normguard calibrate --from-cases --workspace ID   refine the score threshold from moderators' decisions
  normguard eval [--data FILE | --from-cases --workspace ID] [--frame check|evaluate] [--method structured|fast|both]
                 [--limit N] [--concurrency N] [--out DIR] [--target-precision P]
                                                    measure the model on labelled data; writes report.json and report.html
  normguard register discord [--guild ID]           (re)register the Discord commands, globally or in one guild

Each command explains its options with --help, e.g. normguard check --help.

Exit codes: 0 answered (eval: run completed), 2 bad input or configuration, 3 model or server unreachable (eval: for every item).
Configuration comes from the environment and ./.env (see .env.example).
`;
