"""Technology demands (技术需求): SMEs post needs, universities answer them."""
