"""Fake NVIDIA driver / CUDA libraries compiled at test time (see README.md)."""
