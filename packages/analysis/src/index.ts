export { type AppOptions, createApp } from './app.js';
export type * from './receive/model.js';
export { type RunningServer, type ServerOptions, startServer } from './server.js';
export { Store, type StoreOptions } from './store/index.js';
