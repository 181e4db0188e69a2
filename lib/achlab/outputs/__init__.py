"""What the analyst reads, other than charts: terminal text, pandas tables, the briefing deck.

- :mod:`~achlab.outputs.text`: plain-text tables for the command line;
- :mod:`~achlab.outputs.tables`: pandas tables for the notebooks (matrix, sources, assumptions);
- :mod:`~achlab.outputs.deck`: the briefing deck (python-pptx).
"""
