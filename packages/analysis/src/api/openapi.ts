/** The two window-sum endpoints differ only in what they sum. */
function windowSums(summary: string, body: string) {
  return {
    get: {
      summary,
      parameters: ['model', 'instrument', 'sumWindow', 'sumVersion'].map((p) => ({
        $ref: `#/components/parameters/${p}`,
      })),
      responses: { 200: { description: body }, 400: { $ref: '#/components/responses/error' } },
    },
  };
}

/** A window in the config's duration syntax: units ms, s, m, h, d, w, compounds such as 1h30m. */
function window(fallback: string) {
  return {
    name: 'window',
    in: 'query',
    schema: { type: 'string', pattern: '^(\\d+(ms|s|m|h|d|w))+$', default: fallback },
    description: 'e.g. 1h, 24h, 7d, 2w, 1h30m',
  };
}

/** The JSON API described as OpenAPI 3.1, served at GET /openapi.json. */
export const OPENAPI = {
  openapi: '3.1.0',
  info: {
    title: 'modelpulse analysis service',
    version: '0.1.0',
    description:
      'Reads back the OpenTelemetry ML telemetry services record with @modelpulse/otel and reports drift, training–serving skew, holdout outcomes and monitors. OTLP/HTTP ingest is at /v1/metrics, /v1/traces and /v1/logs.',
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'Required when MODELPULSE_API_TOKEN is set.' },
    },
    parameters: {
      model: {
        name: 'model',
        in: 'path',
        required: true,
        schema: { type: 'string' },
        description: 'ml.model.name',
      },
      version: {
        name: 'version',
        in: 'query',
        schema: { type: 'string' },
        description: 'ml.model.version (default: the latest seen)',
      },
      sumVersion: {
        name: 'version',
        in: 'query',
        schema: { type: 'string' },
        description: 'ml.model.version (default: every version, summed)',
      },
      window: window('24h'),
      sumWindow: window('1h'),
      instrument: {
        name: 'instrument',
        in: 'query',
        required: true,
        schema: { type: 'string' },
        description: 'e.g. ml.prediction.score',
      },
    },
    responses: {
      error: {
        description: 'Bad request',
        content: {
          'application/json': { schema: { type: 'object', properties: { error: { type: 'string' } } } },
        },
      },
    },
  },
  security: [{ bearer: [] }],
  paths: {
    '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'ok' } } } },
    '/metrics': {
      get: {
        summary: 'Re-emitted analysis metrics, Prometheus text format',
        security: [],
        responses: { 200: { description: 'text/plain; version=0.0.4' } },
      },
    },
    '/api/models': {
      get: {
        summary: 'Models, versions, instances and last seen',
        responses: { 200: { description: '{ models }' } },
      },
    },
    '/api/models/{model}/histograms': windowSums(
      'Summed histogram buckets per attribute set over a window',
      '{ series: [{ attributes, count, sum, bounds, counts }] }',
    ),
    '/api/models/{model}/counters': windowSums(
      'Summed counter values per attribute set over a window',
      '{ series: [{ attributes, value }] }',
    ),
    '/api/models/{model}/report': {
      get: {
        summary: 'Every analysis of one model version over one window',
        parameters: [
          { $ref: '#/components/parameters/model' },
          { $ref: '#/components/parameters/window' },
          { $ref: '#/components/parameters/version' },
        ],
        responses: {
          200: {
            description: 'ModelReport: drift, skew, holdout, estimated, calibration, heuristics, notes',
          },
          404: { $ref: '#/components/responses/error' },
        },
      },
    },
    '/api/alerts': {
      get: {
        summary: 'Firing then pending monitors, and every monitor’s state from the last evaluation',
        parameters: [
          { name: 'model', in: 'query', schema: { type: 'string' }, description: 'ml.model.name' },
        ],
        responses: { 200: { description: '{ alerts, monitors }' } },
      },
    },
    '/api/alerts/history': {
      get: {
        summary: 'Status transitions of each matching monitor, oldest first (the last 100 per monitor)',
        parameters: ['model', 'version', 'monitor'].map((name) => ({
          name,
          in: 'query',
          schema: { type: 'string' },
        })),
        responses: { 200: { description: '{ history }' } },
      },
    },
    '/api/models/{model}/baseline': {
      put: {
        summary: 'Set the baseline profile at run time',
        parameters: [{ $ref: '#/components/parameters/model' }],
        requestBody: {
          required: true,
          content: {
            'application/json': { schema: { type: 'object', description: 'a modelpulse.profile document' } },
          },
        },
        responses: {
          200: { description: '{ model, features, rows }' },
          400: { $ref: '#/components/responses/error' },
        },
      },
    },
  },
} as const;
