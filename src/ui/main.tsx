// The page's entry, kept tiny: in a build the worker and the built-in example start loading at once, while the
// app's own code (React, the canvas, the store: most of the page's JavaScript) is still on its way. Not under the
// dev server: there the worker's module graph then competed with the page's for the server and made the first view
// slower (86 s against 31 s measured at load 18); the worker starts once the page has drawn (mount.tsx).
import { startEarly } from '../state/early';

if (import.meta.env.PROD) startEarly();
void import('./mount');
