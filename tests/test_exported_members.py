"""The public surface is pinned: changing it is a deliberate, visible act."""
import cudacheck


def test_exported_members():
    assert cudacheck.__all__ == [
        "ConfigError", "CudacheckError", "Finding", "NotReadyError", "Policy", "Report", "Snapshot", "Summary",
        "UsageError", "__version__", "assert_ready", "check", "collect", "doctor",
    ]
    for name in cudacheck.__all__:
        assert hasattr(cudacheck, name)
