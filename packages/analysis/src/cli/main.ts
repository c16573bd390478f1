#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { parseWindow } from '../api/window.js';
import { startServer } from '../server.js';
import { DataError, PROFILE_USAGE, ProfileUsageError, runProfile } from './profile.js';
import { replay } from './replay.js';

const USAGE = `Usage: modelpulse <command> [options]

Commands:
  serve              run the analysis service (OTLP receiver, JSON API)
    --port N           listen port (env MODELPULSE_PORT, default 4318)
    --host ADDR        bind address (env MODELPULSE_HOST, default 127.0.0.1)
    --db PATH          SQLite file (env MODELPULSE_DB, default ./.modelpulse/modelpulse.db)
    --retention D      keep data this long, e.g. 30d (env MODELPULSE_RETENTION, default 30d)
    --token T          ingest bearer token (env MODELPULSE_INGEST_TOKEN)
  replay FILE        ingest a Collector file-exporter JSON-lines file into the store
    --db PATH          as for serve
${PROFILE_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const env = process.env;
  if (command === 'serve') {
    const { values } = parseArgs({
      args: rest,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        retention: { type: 'string' },
        token: { type: 'string' },
      },
    });
    const port = Number(values.port ?? env.MODELPULSE_PORT ?? 4318);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(`--port must be a port number, got ${values.port ?? env.MODELPULSE_PORT}.`);
    const retention = values.retention ?? env.MODELPULSE_RETENTION;
    const token = values.token ?? env.MODELPULSE_INGEST_TOKEN;
    const server = await startServer({
      port,
      host: values.host ?? env.MODELPULSE_HOST ?? '127.0.0.1',
      dbPath: values.db ?? env.MODELPULSE_DB ?? './.modelpulse/modelpulse.db',
      ...(retention ? { retentionMs: parseDuration('--retention', retention) } : {}),
      ...(token ? { ingestToken: token } : {}),
    });
    console.log(
      `modelpulse analysis service listening on ${server.url} (OTLP: ${server.url}/v1/metrics, /v1/traces; API: ${server.url}/api)`,
    );
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return new Promise(() => {}); // runs until a signal
  }
  if (command === 'replay') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { db: { type: 'string' } },
    });
    const file = positionals[0];
    if (!file) throw new UsageError('replay needs the FILE written by the Collector file exporter.');
    const summary = await replay(
      file,
      values.db ?? env.MODELPULSE_DB ?? './.modelpulse/modelpulse.db',
      process.stderr,
    );
    console.log(JSON.stringify(summary));
    return summary.failedLines > 0 ? 1 : 0;
  }
  if (command === 'profile') {
    try {
      return await runProfile(rest);
    } catch (error) {
      if (error instanceof ProfileUsageError) throw new UsageError(error.message);
      if (error instanceof DataError) {
        console.error(`modelpulse: ${error.message}`);
        return 1;
      }
      throw error;
    }
  }
  if (command === undefined || command === '--help' || command === 'help') {
    console.log(USAGE);
    return command === undefined ? 2 : 0;
  }
  throw new UsageError(`Unknown command ${JSON.stringify(command)}.`);
}

class UsageError extends Error {}

function parseDuration(flag: string, text: string): number {
  try {
    return parseWindow(text);
  } catch {
    throw new UsageError(`${flag} must be a duration such as 7d or 24h, got ${JSON.stringify(text)}.`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`modelpulse: ${error.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`modelpulse: ${(error as Error).message}`);
    process.exit(1);
  },
);
