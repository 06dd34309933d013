/**
 * Zod probes `new Function` on its first object parse to decide whether to compile parsers; under the page's
 * Content-Security-Policy (no 'unsafe-eval') the probe is refused and reported as a violation. Recipes are small:
 * the interpreted parsers are fast enough. Imported for its effect by recipe.ts, before any schema parses.
 */
import { z } from 'zod';

z.config({ jitless: true });
