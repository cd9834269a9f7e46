"""Root pytest configuration, seen by the tests and by nbval's notebook items alike."""


def pytest_collection_modifyitems(items):
    """nbval compares what cells print on stdout and return; stderr carries tqdm progress bars, whose text depends
    on timing and on whether a sweep came from the cache, so it is left out of the comparison."""
    for item in items:
        notebook = getattr(item, "parent", None)
        if hasattr(notebook, "skip_compare") and "stderr" not in notebook.skip_compare:
            notebook.skip_compare = tuple(notebook.skip_compare) + ("stderr",)
