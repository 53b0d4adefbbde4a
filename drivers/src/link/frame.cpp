// placeholder until link frames land
