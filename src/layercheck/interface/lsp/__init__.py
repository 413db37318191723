"""The language server: layercheck in the editor, a thin adapter over `workspace.Workspace`.

`server.py` speaks the protocol (pygls); `protocol.py` turns findings into protocol values;
`text.py` holds the plain text operations the code actions need (no protocol types).
"""
