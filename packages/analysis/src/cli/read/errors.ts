/** A mistake in the command line (unknown column, missing file): the CLI exits 2 and shows the usage. */
export class ProfileUsageError extends Error {
  override name = 'ProfileUsageError';
}

/** A problem in the data file itself (ragged row, bad value): the CLI exits 1. */
export class DataError extends Error {
  override name = 'DataError';
}
