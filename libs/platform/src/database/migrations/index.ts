import { InitialSchema1764400000000 } from './1764400000000-initial-schema';

/** Every migration, listed by class (no globs), shared by the app's data source and `ormconfig.ts`. */
export const migrations = [InitialSchema1764400000000];
