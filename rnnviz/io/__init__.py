"""Models in and out: PyTorch modules and state dicts (torch_io), a student's uploaded file,
read safely (upload)."""
