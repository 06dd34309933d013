import { memo } from 'react';
import type { SlotId, VariableData } from '../worker/client';
import { useGraft } from '../state/store';
import { formatShape, humanBytes } from '../core/display';
import { initializerText } from './table-model';

/** One variable; the new model's also show the layer class that owns it and its initializer. */
export const VariableRow = memo(function VariableRow({ slot, variable, selected }: { slot: SlotId; variable: VariableData; selected: boolean }) {
  const select = useGraft((s) => s.select);
  const readable = [variable.path, variable.originalName].filter((s, i, all): s is string => !!s && s !== variable.name && all.indexOf(s) === i);
  const group = variable.group;
  const prefix = group && variable.name.startsWith(`${group}/`) ? `${group}/` : '';
  const init = initializerText(variable.initializer);
  // What a TF graph says about the variable: the op that computes with it, and whether training updates it.
  const graph = (variable.consumerOp || variable.trainable === false) && (
    <>
      {variable.consumerOp && <span className="consumer-op" data-testid="consumer-op" title="The op that computes with it in the graph">{variable.consumerOp}</span>}
      {variable.trainable === false && <span className="not-trainable" data-testid="not-trainable">not trainable</span>}
    </>
  );
  const choose = () => select({ slot, name: variable.name });
  return (
    <div
      className={`row variable${selected ? ' selected' : ''}`}
      role="row"
      aria-selected={selected}
      tabIndex={0}
      data-testid="variable-row"
      data-name={variable.name}
      onClick={choose}
      onKeyDown={(e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          choose();
        }
      }}
    >
      <div className="cell name" title={variable.name}>
        <span className="mono">
          {prefix && <span className="prefix">{prefix}</span>}
          {variable.name.slice(prefix.length)}
        </span>
        {slot === 'new' && (variable.layerClass || init) ? (
          <span className="readable">
            {variable.layerClass && (
              <span className="layer-class" data-testid="layer-class">
                {variable.layerClass}
              </span>
            )}
            {init && (
              <span className="initializer" data-testid="initializer" title="Initial value when nothing is linked to it">
                {init}
              </span>
            )}
            {graph}
          </span>
        ) : (
          (readable.length > 0 || graph) && (
            <span className="readable">
              {readable.join(' · ')}
              {graph}
            </span>
          )
        )}
      </div>
      <div className="cell dtype mono">{variable.dtype}</div>
      <div className="cell shape mono">{formatShape(variable.shape)}</div>
      <div className="cell size">{humanBytes(variable.byteLength)}</div>
    </div>
  );
});
