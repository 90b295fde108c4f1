"""The kinds of evidence each round of blind-scored real reports showed triage missing: every wording leads with its
cause and is observed, every near miss does not. The tables live in one module per round (kinds_*_round.py)."""
import pytest

from cudacheck.triage import triage
from cudacheck.triage.core import parse

import kinds_fifth_round as fifth
import kinds_sixth_round as sixth
import kinds_seventh_round as seventh
import kinds_eighth_round as eighth
import kinds_ninth_round as ninth
import kinds_tenth_round as tenth
import kinds_eleventh_round as eleventh
import kinds_twelfth_round as twelfth
import kinds_thirteenth_round as thirteenth
import kinds_fourteenth_round as fourteenth
import kinds_fifteenth_round as fifteenth
import kinds_sixteenth_round as sixteenth
import kinds_fourth_round as fourth
from paste_findings import first, signatures

ROUNDS = (fourth, fifth, sixth, seventh, eighth, ninth, tenth, eleventh, twelfth, thirteenth, fourteenth,
          fifteenth, sixteenth)
LEADS = [row for r in ROUNDS for row in r.LEADS]
NOT_LEADS = [row for r in ROUNDS for row in r.NOT_LEADS]
OBSERVED = [row for r in ROUNDS for row in r.OBSERVED]
NOT_OBSERVED = [row for r in ROUNDS for row in r.NOT_OBSERVED]


@pytest.mark.parametrize("text, category, title", LEADS)
def test_a_wording_leads_with_its_cause(text, category, title):
    found = first(text)
    assert found is not None and found.category == category and title in found.title, found


@pytest.mark.parametrize("text, category", NOT_LEADS)
def test_a_near_miss_does_not_lead_with_that_cause(text, category):
    found = first(text)
    assert found is None or found.category != category


@pytest.mark.parametrize("text, code", tenth.SILENT + eleventh.SILENT + twelfth.SILENT + thirteenth.SILENT +
                         fourteenth.SILENT + fifteenth.SILENT + sixteenth.SILENT)
def test_a_rule_stays_silent_on_what_the_paste_does_not_show(text, code):
    assert code not in {f.code for f in triage(text).findings}


@pytest.mark.parametrize("text, observation", OBSERVED)
def test_a_wording_is_observed(text, observation):
    assert observation in signatures(text)


@pytest.mark.parametrize("text, observation", NOT_OBSERVED)
def test_a_near_miss_is_not_observed(text, observation):
    assert observation not in signatures(text)


def test_only_nccls_invalid_usage_is_called_the_programs_own_error():
    """NCCL's troubleshooting guide: invalid usage and arguments are programming errors, system and CUDA failures not."""
    usage = triage("RuntimeError: NCCL error in: ProcessGroupNCCL.cpp:1275, invalid usage, NCCL version 2.18.1\n"
                   "ncclInvalidUsage: This usually reflects invalid usage of NCCL library.")
    assert [f for f in usage.findings if f.code == "CC830" and "NCCL" in f.title]


def test_error_35_on_a_machine_said_to_have_no_gpu_is_no_driver_to_update():
    """The writer's sentence introducing the paste ("…it dropped an cuda runtime error:") is still theirs, and with
    no NVIDIA GPU at all the CUDA runtime's error 35 asks for no driver update."""
    text = ("Hi, I'm trying your model without cuda (no GPU, either), but it dropped an cuda runtime error:\n"
            "RuntimeError: cuda runtime error (35) : CUDA driver version is insufficient for CUDA runtime version")
    [finding] = [f for f in triage(text).findings if f.code == "CC801"]
    assert finding.severity == "info" and "without an NVIDIA GPU" in finding.title
    given = "docker run --gpus all img\n" + text.split("\n", 1)[1]  # a container given GPUs: the driver's error
    assert [f for f in triage(given).findings if f.code == "CC801" and f.severity == "error"]


def test_a_missing_driver_function_names_the_driver_of_the_cuda_in_the_paste():
    """The remedy gives the driver released with torch's CUDA (a missing driver function is that release's full
    feature set, not its major's minimum); without a CUDA in the paste it names none, and says nothing of a driver
    it was not shown."""
    known = [f for f in triage("CUDA Driver Version: 535.86.10\nPyTorch: 2.7.1+cu126\nundefined symbol: "
                               "cuGreenCtxDestroy").findings if f.code == "CC801"]
    assert known and "≥ 560.28.03" in known[0].remedy and "driver 535.86.10" in known[0].detail
    bare = [f for f in triage("libtriton.so: undefined symbol: cuTensorMapEncodeTiled").findings if f.code == "CC801"]
    assert bare and "≥" not in bare[0].remedy and "Here" not in bare[0].detail


def test_nvrtc_alone_is_a_warning_when_the_builds_kernels_can_run():
    """NVRTC of a CUDA 11.7 build does not know sm_89; the build's sm_86 SASS still runs on an RTX 4090."""
    text = ("nvrtc: error: invalid value for --gpu-architecture (-arch)\nPyTorch version: 1.13.1+cu117\n"
            "GPU models and configuration: GPU 0: NVIDIA GeForce RTX 4090")
    findings = [f for f in triage(text).findings if f.code == "CC805"]
    assert findings and findings[0].severity == "warning" and "NVRTC" in findings[0].title
    assert "CUDA 11.8 or newer" in findings[0].remedy and "pip install torch==" in findings[0].remedy  # table, plan
    assert not [f for f in triage(text).findings if f.severity == "error" and f.category == "arch_not_in_build"]
    # where the build has no kernels for the GPU at all, NVRTC's error is part of that error
    old = ("nvrtc: error: invalid value for --gpu-architecture (-arch)\nPyTorch version: 2.0.1+cu117\n"
           "GPU models and configuration: GPU 0: NVIDIA GeForce RTX 5090")
    assert [f for f in triage(old).findings if f.severity == "error" and f.category == "arch_not_in_build"]


def test_a_capability_listed_twice_in_torchs_list_is_the_builds_ptx():
    """torch strips sm_/compute_ from get_arch_list(): 9.0 listed twice is sm_90 and compute_90."""
    text = ("UserWarning: Found GPU0 NVIDIA GeForce GTX 1070 which is of compute capability (CC) 6.1.\n"
            "The following list shows the CCs this version of PyTorch was built for and the hardware CCs it supports:\n"
            "- 7.5 which supports hardware CC >=7.5,<8.0\n- 9.0 which supports hardware CC >=9.0,<10.0\n"
            "- 9.0 which supports hardware CC >=9.0,<10.0")
    report = triage(text)
    assert report.snapshot.torch.arch_list == ["sm_75", "sm_90", "compute_90"]
    assert report.snapshot.torch.arch_list_source == "pasted"


def test_a_cuda_build_pypi_does_not_have_is_sent_to_its_own_index_folder():
    """The remedy names the folder of the variant that was asked for, not another one."""
    text = ("Because there is no version of torch==2.1.0+cu118 and your project depends on torch==2.1.0+cu118, we "
            "can conclude that your project's requirements are unsatisfiable.")
    [finding] = [f for f in triage(text).findings if f.code == "CC824"]
    assert "https://download.pytorch.org/whl/cu118" in finding.remedy and "[tool.uv.pip]" in finding.remedy
    # an install that already names the PyTorch index is not told to name it
    named = ("pip install torch==2.7.0.dev20250311+cu128 --index-url https://download.pytorch.org/whl/nightly/cu128\n"
             "ERROR: No matching distribution found for torch==2.7.0.dev20250311+cu128")
    assert not [f for f in triage(named).findings if "does not consult" in f.title]


def test_a_shm_size_no_machine_has_is_no_fact():
    """The NGC banner and `df` give /dev/shm's size through one parser; a size beyond any machine is left unknown."""
    assert parse("shm              64M   64M     0 100% /dev/shm").container.shm.size_bytes == 64 * 2**20
    banner = parse("NOTE: The SHMEM allocation limit is set to the default of 99999999999999999999GB.")
    assert banner.container.in_container is True and banner.container.shm is None


@pytest.mark.parametrize("text, gpu", [
    ("i have a 4090 and keep getting this error", "NVIDIA GeForce RTX 4090"),
    ("I trained 3000 steps on my 3060 ti", "NVIDIA GeForce RTX 3060 Ti"),
    ("running two 3090s in one box", "NVIDIA GeForce RTX 3090"),
    ("I have an nvidia 3080 and the latest driver", "NVIDIA GeForce RTX 3080"),
    ("NVIDIA 4070 Super laptop, Windows 11", "NVIDIA GeForce RTX 4070 SUPER"),
    ("nvidia 535 driver", None),  # a driver branch, not a card
    ("nvidia 2080 MB", None),
    ("with a 2080 rows table", None),  # a count, not a card
    ("I have a 1080p monitor", None),
    ("using a 3090 MB cache", None),
])
def test_a_geforce_model_number_the_writer_has_is_their_gpu(text, gpu):
    gpus = parse(text).nvml.gpus
    assert [g.name for g in gpus] == ([gpu] if gpu else [])


def test_a_negative_index_after_a_valid_one_hides_no_gpu():
    hidden = first("CUDA_VISIBLE_DEVICES=-1 python train.py\nRuntimeError: No CUDA GPUs are available")
    assert hidden.code == "CC804" and "hides them" in hidden.title
    kept = first("CUDA_VISIBLE_DEVICES=0,-1 python train.py\nRuntimeError: No CUDA GPUs are available")
    assert "hides" not in kept.title


def test_forward_compat_is_possible_until_the_paste_shows_the_compat_library():
    error = "Error 804: forward compatibility was attempted on non supported HW"
    guessed = first(f"OS: Ubuntu 22.04\nGPU: NVIDIA GeForce GTX 970\n{error}")
    assert guessed.code == "CC818" and guessed.certainty == "possible" and "ldconfig -p" in guessed.detail
    seen = first(f"GPU: NVIDIA GeForce GTX 970\nLD_LIBRARY_PATH=/usr/local/cuda/compat:/usr/lib\n{error}")
    assert seen.code == "CC818" and seen.certainty == "likely"


@pytest.mark.parametrize("value, dotted", [("8907", "8.9.7"), ("9100", "9.1.0"), ("90100", "9.1.0"),
                                           ("7101", "7.1.1"), ("8, 9, 2", "8.9.2"), ("8.1.0", "8.1.0"), (None, "")])
def test_cudnn_versions_are_dotted_whatever_form_the_message_prints(value, dotted):
    """torch prints (8, 9, 2), TensorFlow 8.1.0, JAX and cudnnGetVersion() an integer (major*1000 up to cuDNN 8,
    major*10000 from cuDNN 9's own API)."""
    from cudacheck.rules.catalogue.observed_libraries import _dotted_cudnn
    assert _dotted_cudnn(value) == dotted


@pytest.mark.parametrize("text, capability", [
    ("I use a Quadro RTX 4000 for training", "7.5"),  # not "RTX 4000" (Ada's RTX 4000 is 8.9)
    ("on my Titan X (Pascal)", "6.1"),  # not the Maxwell GTX TITAN X
    ("an old NVS 315 in the office PC", "2.1"),
    ("the RTX 4000 in our server", None),  # Quadro RTX 4000 (7.5) or RTX 4000 Ada (8.9): no fact
    ("a Titan X from 2015 or 2016", None),
    ("GPU: RTX PRO 5000 Blackwell and it fails", "12.0"),  # the next word is not part of the name
    ("laptop GPU: RTX 3050 A Laptop GPU", "8.9"),  # the "A" variant is Ada (AD106), not Ampere's RTX 3050
    ("my GPU is a GeForce 940A", "5.0"),
    ("Nvidia GTX 965 M, driver 391", "5.2"),  # the laptop part written with a space before its M
])
def test_a_gpu_named_with_its_product_line_in_a_sentence(text, capability):
    gpus = parse(text).nvml.gpus
    assert [g.compute_capability for g in gpus] == ([capability] if capability else [])


def test_a_bus_error_where_dev_shm_is_large_is_no_error():
    """With --ipc=host (or a large /dev/shm given) a worker's bus error is only a possible warning: a memory-mapped
    file that changed gives the same signal; with Docker's default it stays the error it was."""
    error = ("ERROR: Unexpected bus error encountered in worker. This might be caused by insufficient shared memory "
             "(shm).")
    large = [f for f in triage("docker run --ipc=host -it img python train.py\n" + error).findings if f.code == "CC812"]
    assert large and large[0].severity == "warning" and "memory-mapped file" in large[0].title
    small = [f for f in triage("docker run --gpus all -it img python train.py\n" + error).findings
             if f.code == "CC812"]
    assert small and small[0].severity == "error"


def test_a_gpu_only_the_newer_cuda_builds_dropped_is_possibly_too_old():
    """torch 2.7's cu126 still targets sm_61, its cu128 does not: with the variant not pasted, the verdict is a
    possibility and says why."""
    text = "Inference on the Tesla P40 fails with torch 2.7:\nCUDA error: no kernel image is available for execution"
    found = [f for f in triage(text).findings if f.code == "CC806"]
    assert [f.certainty for f in found] == ["possible"] and "does not say which CUDA build" in found[0].detail
    every = [f for f in triage("Tesla K40m\nCUDA error: no kernel image is available for execution on the device")
             .findings if f.code == "CC806"]
    assert [f.certainty for f in every] == ["likely"]  # below every build of the newest release


def test_an_extension_finding_no_driver_in_a_build_step_is_expected_but_not_in_a_container_run():
    """A RUN step of `docker build` gets no GPU: an extension's missing libcuda there is info. The same lines after
    a `docker run --gpus all` of the built image are a real failure, not a build step."""
    lines = ("libcuda.so.1: cannot open shared object file: No such file or directory\n"
             "UserWarning: The installed version of bitsandbytes was compiled without GPU support.")
    built = triage("#12 [7/9] RUN python -c \"import bitsandbytes\"\n" + lines)
    assert [f.severity for f in built.findings if f.code == "CC825" and "while the image builds" in f.title] == ["info"]
    run = triage("docker build -t app .\ndocker run --gpus all app python -c \"import bitsandbytes\"\n" + lines)
    assert not [f for f in run.findings if "while the image builds" in f.title]


def test_a_mask_naming_a_second_gpu_is_blamed_only_where_the_paste_does_not_show_that_gpu():
    """CUDA_VISIBLE_DEVICES=1 hides every GPU of a one-GPU machine; a mask from GPU 0, or one whose index the pasted
    GPU listing includes, hides nothing this way."""
    error = "RuntimeError: No CUDA GPUs are available"
    blamed = [f for f in triage(f"CUDA_VISIBLE_DEVICES=1 python train.py\n{error}").findings
              if "names GPU 1" in f.title]
    assert blamed and blamed[0].code == "CC804" and blamed[0].certainty == "possible"
    assert not [f for f in triage(f"export CUDA_VISIBLE_DEVICES=0,1\n{error}").findings if "names GPU" in f.title]
    listed = ("$ nvidia-smi -L\nGPU 0: NVIDIA GeForce RTX 3090 (UUID: GPU-11111111-2222-3333-4444-555555555555)\n"
              "GPU 1: NVIDIA GeForce RTX 3090 (UUID: GPU-66666666-7777-8888-9999-000000000000)\n")
    assert not [f for f in triage(f"{listed}CUDA_VISIBLE_DEVICES=1 python train.py\n{error}").findings
                if "names GPU" in f.title]


def test_tensorflows_probe_warning_behind_its_timestamp_is_no_driver_error():
    """TensorFlow 2 prints its glog warnings behind a timestamp ("2023-05-01 10:00:00.123456: W …dso_loader.cc"): the
    program goes on on the CPU, so a missing libcuda there is a possible warning, as without the timestamp."""
    line = ("W tensorflow/compiler/xla/stream_executor/platform/default/dso_loader.cc:64] Could not load dynamic "
            "library 'libcuda.so.1'; dlerror: libcuda.so.1: cannot open shared object file: No such file or directory")
    for text in (line, "2023-05-01 10:00:00.123456: " + line):
        found = first(text)
        assert found.code == "CC802" and found.severity == "warning" and found.certainty == "possible", text
    failing = first("ImportError: libcuda.so.1: cannot open shared object file: No such file or directory")
    assert failing.code == "CC802" and failing.severity == "error"


def test_a_companion_that_stopped_loading_is_reinstalled_by_its_own_name():
    """torchtext is one of torch's companions: its remedy pairs torchtext itself with the installed torch."""
    found = first("after upgrading torch to 2.4 torchtext fails to import")
    assert found.category == "torchvision_mismatch" and "torch torchtext --index-url" in found.remedy


def test_a_paste_of_packages_alone_is_not_nothing_recognised():
    """`pip show torch` read as torch 2.5.1+cpu is something recognised: CC891 must not say the paste was not read."""
    codes = {f.code for f in triage("pip show torch\nName: torch\nVersion: 2.5.1+cpu\n").findings}
    assert "CC891" not in codes and "CC890" in codes


def test_a_library_status_names_the_environment_causes_it_also_has():
    """cuDNN's NOT_INITIALIZED is most often memory, but also a driver older than the library: CC830 says "usually"
    and names them; an out-of-memory error stays the program's own."""
    status = next(f for f in triage("RuntimeError: cuDNN error: CUDNN_STATUS_NOT_INITIALIZED").findings
                  if f.code == "CC830")
    assert "usually" in status.title and "driver" in status.detail
    oom = next(f for f in triage("torch.cuda.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB").findings
               if f.code == "CC830")
    assert oom.title.endswith("not an environment problem")


def test_a_library_with_its_own_cuda_build_is_not_told_to_rebuild_against_torch():
    """ONNX Runtime's kernels come from its own CMake build: the remedy names its CUDA architectures, not torch's
    TORCH_CUDA_ARCH_LIST."""
    found = first("no kernel image is available for execution on the device\nRTX 5090, onnxruntime-gpu 1.17.1")
    assert found is not None and found.code == "CC825" and "CMAKE_CUDA_ARCHITECTURES=120" in found.remedy
    assert "TORCH_CUDA_ARCH_LIST" not in found.remedy and "torch" not in found.title


def test_a_library_with_its_own_cuda_build_that_does_not_load_is_reinstalled_for_the_cuda_there():
    """ONNX Runtime's GPU package missing a CUDA library: the remedy names its install matrix, not torch."""
    found = first("  File \"/venv/lib/python3.10/site-packages/onnxruntime/capi/_pybind_state.py\", line 32, in "
                  "<module>\n    from .onnxruntime_pybind11_state import *\nImportError: libcublasLt.so.11: cannot open "
                  "shared object file: No such file or directory")
    assert found is not None and found.code == "CC825" and "install matrix" in found.remedy
    assert "torch" not in found.remedy


def test_a_cpu_build_chosen_on_purpose_is_said_as_an_info():
    """The CPU build next to a GPU, said to be chosen ("on purpose"): CC204 reports the fact as an info."""
    found = [f for f in triage("PyTorch version: 2.3.0+cpu\nGPU models and configuration: GPU 0: NVIDIA GeForce RTX "
                               "3060\nI installed the CPU build on purpose for the ONNX export.").findings
             if f.code == "CC204"]
    assert len(found) == 1 and found[0].severity == "info" and "intended" in found[0].title
