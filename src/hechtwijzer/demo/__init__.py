"""Demo and synthetic data: `hechtwijzer demo` (two fictional schools to try the product with)
and `hechtwijzer generate` (a large fictional school board for benchmarks).

The top of the tree: it writes through the domain apps (schools, observations, care, plans),
and nothing else imports it.
"""
