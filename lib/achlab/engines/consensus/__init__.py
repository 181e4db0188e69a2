"""Several analysts' ratings: Open Synthesis consensus and disagreement, and PyMC pooling."""
