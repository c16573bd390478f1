#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseDuration as parseConfigDuration } from '../config/duration.js';
import { ConfigError, configToServerOptions, loadConfig } from '../config/index.js';
import { startServer } from '../server.js';
import { DataError, PROFILE_USAGE, ProfileUsageError, runProfile } from './profile.js';
import { replay } from './replay.js';
import { fetchReport, formatReport } from './report.js';
import { RULES_USAGE, RulesUsageError, runRules } from './rules.js';

const USAGE = `Usage: modelpulse <command> [options]

Commands:
  serve              run the analysis service (OTLP receiver, JSON API)
    --config PATH      modelpulse.config.yaml or .json: server and per-model settings (env
                       MODELPULSE_CONFIG, default ./modelpulse.config.yaml when present);
                       the options below (and their env variables) override the file
    --port N           listen port (env MODELPULSE_PORT, default 4318)
    --host ADDR        bind address (env MODELPULSE_HOST, default 127.0.0.1)
    --db PATH          SQLite file (env MODELPULSE_DB, default ./.modelpulse/modelpulse.db)
    --retention D      keep data this long, e.g. 30d or 2w (env MODELPULSE_RETENTION, default 30d)
    --token T          ingest bearer token (env MODELPULSE_INGEST_TOKEN)
  report             print a model's report from a running service as tables
    --model NAME       the model (required)
    --window W         1h, 24h (default), 7d, 2w, … (any configured window)
    --version V        default: the latest seen
    --url URL          the service (env MODELPULSE_URL, default http://127.0.0.1:4318); token: MODELPULSE_API_TOKEN
    --json             the report document instead of tables
  replay FILE        ingest a Collector file-exporter JSON-lines file
    --url URL          into a running service, over OTLP/HTTP (token: MODELPULSE_INGEST_TOKEN)
    --db PATH          else into this database file, of a stopped service (as for serve: flag,
                       MODELPULSE_DB, the config's server.db, the default)
    --config PATH      as for serve
${PROFILE_USAGE}
${RULES_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const env = process.env;
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (command === 'serve') {
    const { values } = parseArgs({
      args: rest,
      options: {
        config: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        retention: { type: 'string' },
        token: { type: 'string' },
      },
    });
    // Flags, then env variables, then the config file, then the defaults.
    const fromFile = serverConfig(values.config);
    if (fromFile === null) return 2;
    const portText = values.port ?? env.MODELPULSE_PORT;
    const port = portText === undefined ? (fromFile?.port ?? 4318) : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new UsageError(
        `${values.port === undefined ? 'MODELPULSE_PORT' : '--port'} must be a port number, got ${JSON.stringify(portText)}.`,
      );
    const retention = values.retention ?? env.MODELPULSE_RETENTION;
    const retentionMs = retention
      ? parseDuration(values.retention === undefined ? 'MODELPULSE_RETENTION' : '--retention', retention)
      : fromFile?.retentionMs;
    const token = values.token ?? env.MODELPULSE_INGEST_TOKEN;
    const server = await startServer({
      port,
      host: values.host ?? env.MODELPULSE_HOST ?? fromFile?.host ?? '127.0.0.1',
      dbPath: values.db ?? env.MODELPULSE_DB ?? fromFile?.dbPath ?? DEFAULT_DB,
      ...(retentionMs ? { retentionMs } : {}),
      ...(token ? { ingestToken: token } : {}),
      ...(fromFile ? { models: fromFile.models, analysisIntervalMs: fromFile.analysisIntervalMs } : {}),
    });
    console.log(
      `modelpulse analysis service listening on ${server.url} (OTLP: ${server.url}/v1/metrics, /v1/traces; API: ${server.url}/api)`,
    );
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return new Promise(() => {}); // runs until a signal
  }
  if (command === 'report') {
    const { values } = parseArgs({
      args: rest,
      options: {
        model: { type: 'string' },
        window: { type: 'string' },
        version: { type: 'string' },
        url: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (!values.model) throw new UsageError('report needs --model NAME.');
    const url = values.url ?? env.MODELPULSE_URL ?? 'http://127.0.0.1:4318';
    const report = await fetchReport(
      url,
      values.model,
      values.window ?? '24h',
      env.MODELPULSE_API_TOKEN,
      values.version,
    );
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report));
    return 0;
  }
  if (command === 'replay') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { db: { type: 'string' }, config: { type: 'string' }, url: { type: 'string' } },
    });
    const file = positionals[0];
    if (!file) throw new UsageError('replay needs the FILE written by the Collector file exporter.');
    if (values.url !== undefined && values.db !== undefined)
      throw new UsageError('replay takes --url (a running service) or --db (a stopped one), not both.');
    let to: string | { url: string; token?: string };
    if (values.url !== undefined) {
      const token = env.MODELPULSE_INGEST_TOKEN;
      to = { url: values.url.replace(/\/+$/, ''), ...(token ? { token } : {}) };
    } else {
      const fromFile = serverConfig(values.config);
      if (fromFile === null) return 2;
      to = values.db ?? env.MODELPULSE_DB ?? fromFile?.dbPath ?? DEFAULT_DB;
    }
    const summary = await replay(file, to, process.stderr);
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
  if (command === 'rules') {
    try {
      return runRules(rest);
    } catch (error) {
      if (error instanceof RulesUsageError) throw new UsageError(error.message);
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

const DEFAULT_DB = './.modelpulse/modelpulse.db';

/**
 * The server part of the config file named by `--config`, else `MODELPULSE_CONFIG`, else
 * ./modelpulse.config.yaml when present: undefined without one, null (reported on stderr) when it is bad.
 */
function serverConfig(flag: string | undefined): ReturnType<typeof configToServerOptions> | undefined | null {
  const defaultConfig = './modelpulse.config.yaml';
  const path =
    flag ?? process.env.MODELPULSE_CONFIG ?? (existsSync(defaultConfig) ? defaultConfig : undefined);
  if (path === undefined) return undefined;
  try {
    return configToServerOptions(loadConfig(path));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`modelpulse: ${error.message}`);
    return null;
  }
}

function parseDuration(flag: string, text: string): number {
  const ms = parseConfigDuration(text);
  if (ms === undefined || ms <= 0)
    throw new UsageError(
      `${flag} must be a positive duration such as 24h, 30d, 2w or 1h30m, got ${JSON.stringify(text)}.`,
    );
  return ms;
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
