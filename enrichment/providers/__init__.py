"""One module per data source. Plain HTTP and pure parsing: nothing here imports Django or the apps.

``fetch_*()`` does the I/O with the provider's pooled session and returns an ``HttpResponse``;
``parse_*()`` turns one into ``Match`` objects or raises a ``ProviderError``, and is tested on
recorded responses.
"""
