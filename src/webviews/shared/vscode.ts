/**
 * The webview side of the typed channel: one Endpoint over acquireVsCodeApi(), and the state
 * VS Code keeps for the panel.
 */
import { Endpoint } from '../../protocol/ipc';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

export const vscode = acquireVsCodeApi();
export const endpoint = new Endpoint((m) => vscode.postMessage(m));
window.addEventListener('message', (e: MessageEvent) => void endpoint.receive(e.data));

export function getState<T>(): Partial<T> {
  return (vscode.getState() as Partial<T> | undefined) ?? {};
}

export function setState<T>(patch: Partial<T>): void {
  vscode.setState({ ...getState<T>(), ...patch });
}
