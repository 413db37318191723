// "layercheck: Fix all auto-fixable problems": the server's `source.fixAll.layercheck` action
// for the active document (the same edit `editor.codeActionsOnSave` applies), resolved and
// applied as one undoable edit.

import * as vscode from "vscode";
import {
  CodeActionRequest,
  CodeActionResolveRequest,
  CodeActionTriggerKind,
  type CodeAction,
  type LanguageClient,
} from "vscode-languageclient/node";

export const FIX_ALL_KIND = "source.fixAll.layercheck";

export type FixAllOutcome = "applied" | "nothing" | "not-python" | "no-editor" | "no-server" | "refused";

export async function fixAll(client: LanguageClient | undefined, editor: vscode.TextEditor | undefined): Promise<FixAllOutcome> {
  if (editor === undefined) {
    void vscode.window.showInformationMessage("layercheck: open a Python file to fix it.");
    return "no-editor";
  }
  const document = editor.document;
  if (document.languageId !== "python" || document.uri.scheme !== "file") {
    void vscode.window.showInformationMessage("layercheck: the active file is not a Python file on disk.");
    return "not-python";
  }
  if (client === undefined) {
    void vscode.window.showWarningMessage('layercheck: the server is not running (see "layercheck: Show Logs").');
    return "no-server";
  }
  const found = await client.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: client.code2ProtocolConverter.asUri(document.uri) },
    range: { start: { line: 0, character: 0 }, end: { line: document.lineCount, character: 0 } },
    context: { diagnostics: [], only: [FIX_ALL_KIND], triggerKind: CodeActionTriggerKind.Invoked },
  });
  let action = (found ?? []).find((item): item is CodeAction => "kind" in item && item.kind === FIX_ALL_KIND);
  if (action !== undefined && action.edit === undefined) {
    action = await client.sendRequest(CodeActionResolveRequest.type, action);
  }
  if (action?.edit === undefined) {
    void vscode.window.showInformationMessage("layercheck: nothing to fix automatically in this file.");
    return "nothing";
  }
  const edit = await client.protocol2CodeConverter.asWorkspaceEdit(action.edit);
  if (!(await vscode.workspace.applyEdit(edit))) {
    void vscode.window.showWarningMessage("layercheck: the fixes were not applied (the file changed meanwhile?).");
    return "refused";
  }
  return "applied";
}
