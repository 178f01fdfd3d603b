"""The demo district `make run` loads: a tool beside the product, not part of it (src/banli
neither installs nor imports it). `python -m demo load` / `python -m demo accounts`; see
demo/__main__.py. Names and places are in demo.vocabulary (the benchmark draws on them too), the
texts in demo.content, the generator in demo.generate and the modules it is built from."""
