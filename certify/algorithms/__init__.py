"""One package per algorithm, each with the same parts where they apply.

``system`` (the model), ``analysis`` (the public entry, returning a frozen result with
``to_dict()``), ``bounds``, ``simulate``, ``crossval`` and ``report``.
"""
