"""Scale benchmark: a streaming data generator (bench.generate) and a runner that times the item
list, the item detail and lifecycle actions against bare-SQL floors (python -m bench.run)."""
