"""Compiled extensions in pasted tracebacks: failures are attributed to the extension (extension_mismatch), to
torchvision/torchaudio (torchvision_mismatch), or left to torch where the evidence points there. Texts written
here in the style of real reports."""
import pytest

from cudacheck.observations import Obs
from cudacheck.triage import parse

from paste_findings import first
from cudacheck.triage.importers.extensions import distribution, is_torch_symbol, string_abi


@pytest.mark.parametrize("path, package", [
    ("/venv/lib/python3.11/site-packages/flash_attn_2_cuda.cpython-311-x86_64-linux-gnu.so", "flash-attn"),
    ("/opt/conda/lib/python3.10/site-packages/mmcv/_ext.cpython-310-x86_64-linux-gnu.so", "mmcv"),
    ("/usr/local/lib/python3.10/dist-packages/vllm/_C.abi3.so", "vllm"),
    ("C:\\venv\\Lib\\site-packages\\xformers\\_C.pyd", "xformers"),
    ("selective_scan_cuda.cpython-39-x86_64-linux-gnu.so", "mamba-ssm"),
    ("/x/site-packages/torch_scatter/_scatter_cuda.so", "torch-scatter"),
    ("/home/u/repo/ops/dcn/deform_conv_cuda.cpython-37m-x86_64-linux-gnu.so", "deform-conv"),
])
def test_distribution_of_a_compiled_module(path, package):
    assert distribution(path) == package


def test_torch_symbols_and_their_string_abi():
    assert is_torch_symbol("_ZN3c104cuda9SetDeviceEi") and is_torch_symbol("_ZNK2at10TensorBase8data_ptrIdEEPT_v")
    assert is_torch_symbol("_ZTIN3c1021AutogradMetaInterfaceE") and is_torch_symbol("aoti_torch_get_data_ptr")
    assert not is_torch_symbol("cublasLtGetStatusString") and not is_torch_symbol("ncclCommRegister")
    assert string_abi("_ZN5torch3jit17parseSchemaOrNameERKSs") is False
    assert string_abi("_ZN3c105ErrorC2ENS_14SourceLocationENSt7__cxx1112basic_stringIcSt11char_traitsIcESaIcEEE") is True
    assert string_abi("_ZN3c104cuda9SetDeviceEi") is None


def test_an_undefined_torch_symbol_becomes_the_inventory_fact():
    s = parse("ImportError: /venv/lib/python3.11/site-packages/flash_attn_2_cuda.cpython-311-x86_64-linux-gnu.so: "
              "undefined symbol: _ZN3c104cuda9SetDeviceEi\nflash-attn 2.6.3")
    [binary] = s.kernels.binaries
    assert binary.package == "flash-attn" and binary.package_version == "2.6.3"
    assert binary.missing_torch_symbols == ["_ZN3c104cuda9SetDeviceEi"] and binary.torch_symbols is None


@pytest.mark.parametrize("text, category", [
    ("ImportError: /venv/lib/python3.11/site-packages/flash_attn_2_cuda.cpython-311-x86_64-linux-gnu.so: undefined "
     "symbol: _ZN3c104cuda9SetDeviceEi", "extension_mismatch"),
    ("from mamba_ssm import Mamba\nImportError: undefined symbol: _ZN2at4_ops10zeros_like4callERKNS_6TensorE",
     "extension_mismatch"),
    ("OSError: /x/site-packages/torchaudio/lib/libtorchaudio.so: undefined symbol: _ZNK3c107SymBool10guard_boolEPKcl",
     "torchvision_mismatch"),
    ("ImportError: DLL load failed while importing flash_attn_2_cuda: The specified procedure could not be found.",
     "extension_mismatch"),
    ("ModuleNotFoundError: No module named 'mmcv._ext'", "extension_mismatch"),
    ("xformers 0.0.27 requires torch==2.3.0, but you have torch 2.4.1 which is incompatible.", "extension_mismatch"),
    ("torchvision 0.18.0 requires torch==2.3.0, but you have torch 2.4.0 which is incompatible.",
     "torchvision_mismatch"),
    ("WARNING[XFORMERS]: xFormers can't load C++/CUDA extensions. xFormers was built for:\n"
     "    PyTorch 2.4.1+cu121 with CUDA 1201 (you have 2.5.1+cu124)", "extension_mismatch"),
    ("The installed version of bitsandbytes was compiled without GPU support.", "extension_mismatch"),
    ("  File \"/venv/lib/python3.11/site-packages/flash_attn/flash_attn_interface.py\", line 91, in _flash_attn_forward\n"
     "RuntimeError: CUDA error: no kernel image is available for execution on the device", "extension_mismatch"),
    ("RuntimeError: Error named symbol not found at line 233 in file /src/csrc/ops.cu\nbitsandbytes 0.45.0",
     "extension_mismatch"),
    ("torch==2.5.1\npip install flash_attn-2.7.0+cu12torch2.5cxx11abiTRUE-cp311-cp311-linux_x86_64.whl",
     "extension_mismatch"),
])
def test_extension_failures(text, category):
    finding = first(text)
    assert finding is not None and finding.category == category, (finding.code, finding.title) if finding else None


@pytest.mark.parametrize("text", [
    # torch's own libraries disagreeing are not an extension
    "ImportError: /venv/lib/python3.11/site-packages/torch/lib/libtorch_python.so: undefined symbol: _ZN3c10...",
    # a kernel error raised from torch's own frames
    "  File \"/venv/lib/python3.11/site-packages/torch/nn/functional.py\", line 2264, in embedding\n"
    "RuntimeError: CUDA error: no kernel image is available for execution on the device",
    # an extension built for the installed torch
    "xformers 0.0.28.post3 requires torch==2.5.1, but you have torch 2.5.1 which is incompatible.",
    # pure-Python packages pinning torch are not compiled extensions
    "sentence-transformers 3.0 requires torch==2.3.0, but you have torch 2.4.0 which is incompatible.",
    # torch itself without CUDA is a CPU build, not an extension
    "PyTorch wasn't built with CUDA support\nflash-attn 2.6.3",
])
def test_not_an_extension_problem(text):
    finding = first(text)
    assert finding is None or finding.category != "extension_mismatch", (finding.code, finding.title)


def test_a_wheel_tag_names_what_the_extension_was_built_for():
    [built] = [o for o in parse("pip install flash_attn-2.5.5+cu118torch2.2cxx11abiTRUE-cp310-cp310-linux_x86_64.whl")
               .observations if o.signature == Obs.EXTENSION_BUILT_FOR]
    assert built.values == {"package": "flash-attn", "torch": "2.2", "cuda": "11.8", "cxx11_abi": "yes",
                            "source": "wheel"}


def test_a_wheel_tag_with_the_cuda_major_alone_is_that_major_not_cuda_1_x():
    # flash-attn 2.6+ names its wheels by the CUDA major only: +cu12torch2.4 is CUDA 12.x, not 1.2
    text = ("Successfully installed flash_attn-2.6.3+cu12torch2.4cxx11abiFALSE-cp311-cp311-linux_x86_64.whl\n"
            "torch 2.4.1+cu118")
    [built] = [o for o in parse(text).observations if o.signature == Obs.EXTENSION_BUILT_FOR]
    assert built.values["cuda"] == "12"
    finding = first(text)  # a CUDA 12 wheel under a CUDA 11.8 torch
    assert finding is not None and finding.category == "extension_mismatch"
    assert "CUDA 12," in finding.detail and "1.2" not in finding.detail, finding.detail


def test_an_extension_that_cannot_load_into_a_cpu_only_torch_leaves_the_lead_to_the_cpu_build():
    text = ("WARNING[XFORMERS]: xFormers can't load C++/CUDA extensions. xFormers was built for:\n"
            "    PyTorch 2.1.2+cu121 with CUDA 1201 (you have 2.1.2+cpu)")
    assert first(text).category == "cpu_only_torch"
    built_for_other_cuda = text.replace("2.1.2+cpu", "2.1.2+cu118")
    assert first(built_for_other_cuda).category == "extension_mismatch"


def test_the_extension_failure_into_a_cpu_only_torch_is_still_reported():
    from cudacheck.triage import triage
    text = ("WARNING[XFORMERS]: xFormers can't load C++/CUDA extensions. xFormers was built for:\n"
            "    PyTorch 2.1.2+cu121 with CUDA 1201 (you have 2.1.2+cpu)")
    found = [f for f in triage(text).findings if f.code == "CC825"]
    assert found and found[0].severity == "info" and "xformers" in found[0].title
    torch_cpu_in_pip_list = "torch                2.1.2+cpu\nNo module named 'mmcv._ext'"
    found = [f for f in triage(torch_cpu_in_pip_list).findings if f.code == "CC825"]
    assert found and found[0].severity == "info" and "CPU-only" in found[0].title
