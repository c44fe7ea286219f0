"""Core tests never import Qt: prove the headless core stands alone."""
