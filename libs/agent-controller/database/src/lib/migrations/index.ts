import { Foundation1795384171879 } from './1795384171879-Foundation';

/** Every migration in order. Migrations are generated, reviewed, and never edited after they land. */
export const MIGRATIONS = [Foundation1795384171879];
