"""Pure rules of supervision items (no Django): lifecycle, lights, deadlines, coordinates, sentences."""
