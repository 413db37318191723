"""Project rules: rules that read the project index instead of walking one file's tree."""
