"""The build script: vendored OpenAPI document + spec overlays -> the ``conductorone_api`` package.

Run it as ``python -m generator``; ``python -m generator --help`` lists the commands.
The pipeline, one module a step:

- :mod:`generator.loader`   read YAML/JSON, check every local ``$ref`` resolves
- :mod:`generator.overlay`  apply OpenAPI Overlay 1.0 documents (``spec/overlays/*.yaml``)
- :mod:`generator.passes`   general normalisation rules (names, nullability, ...)
- :mod:`generator.codegen`  run openapi-python-client with our templates, format, count
- :mod:`generator.build`    stage the output and swap it in atomically; ``check``
"""
