// The page's entry, kept tiny: the worker and the built-in example start loading at once, while the app's own
// code (React, the canvas, the store: most of the page's JavaScript) is still on its way.
import { startEarly } from '../state/early';

startEarly();
void import('./mount');
