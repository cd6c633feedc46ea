"""Reading specs safely: YAML with positions and limits, plain values and merge keys as
Compose reads them."""
