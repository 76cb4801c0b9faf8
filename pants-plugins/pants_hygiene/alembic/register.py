def rules():
    return []
