"""Files the step-through page inlines: its style sheet and script (written here) and a
pinned copy of dagre, the layout used where Graphviz is not installed (see VENDORED.md)."""
