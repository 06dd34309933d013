// Vitest setup (vite.config.ts): the app loads RE2 where rules enter (safe-regex.ts); tests call the rule functions directly.
import { loadRegexEngine } from './safe-regex';

await loadRegexEngine();
