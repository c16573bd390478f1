/** The two window-sum endpoints differ only in what they sum. */
function windowSums(summary: string, body: string) {
  return {
    get: {
      summary,
      parameters: ['model', 'instrument', 'window', 'version'].map((p) => ({
        $ref: `#/components/parameters/${p}`,
      })),
      responses: { 200: { description: body }, 400: { $ref: '#/components/responses/error' } },
    },
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
      window: {
        name: 'window',
        in: 'query',
        schema: { type: 'string', pattern: '^\\d+[smhd]$', default: '24h' },
        description: 'e.g. 1h, 24h, 7d',
      },
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
