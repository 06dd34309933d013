import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { warmUp } from '../state/store';
import { App } from './App';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The recipe database opens once the page has drawn, not on the first drop.
const idle = window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
idle(() => warmUp(), { timeout: 1000 });
