"""GPU names as tools and people wrote them, with the answer each must get.

Each entry is ``(spelling, expected)``: ``expected`` is a compute capability, ``"ambiguous:"``
followed by the capabilities the candidates must include (the name truly fits products of
different architectures), or ``None`` for text that names no product the table should know
(AMD parts, pre-Fermi GeForce, a MIG line with no product). The capabilities are the products'
real ones (NVIDIA's CUDA GPUs pages, the chips pci.ids names, or the capability the same tool
output printed next to the name), not what the resolver returns.
"""

# Real tool output and prose, quoted from public issue threads and provider listings.
REAL = [
    # nvidia-smi -L (github.com/psalias2006/gpu-hot#64, choderalab/openmmtools#563, influxdata/telegraf#5812,
    # akash-network/provider-configs#12)
    ("GPU 0: NVIDIA GeForce RTX 3090 (UUID: GPU-e1924eea-b9bb-d537-39f2-b345087fa145)", "8.6"),
    ("GPU 0: NVIDIA GeForce GTX 1080 Ti (UUID: GPU-b4ffae3c-ec4e-5aa8-8804-e83359cbc19f)", "6.1"),
    ("GPU 0: NVIDIA A100-SXM4-80GB (UUID: GPU-513536b6-7d19-9063-b049-1e69664bb298)", "8.0"),
    ("  MIG 1g.20gb     Device  0: (UUID: MIG-ce861fb0-a248-58ce-a9a8-f9adbc22a66a)", None),
    ("GPU 0: Quadro RTX 4000 (UUID: GPU-c7b57be0-94ff-d352-a59b-d0ee00aeed43)", "7.5"),
    # nvidia-smi table rows, including a truncated name and Windows' driver-model column
    # (akash-network/provider-configs#12, cBio/cbio-cluster#38, tensorflow/tensorflow#8877,
    # sgl-project/sglang#27487, projectbluefin/finpilot#160, Frogging-Family/nvidia-all#212,
    # shkhln/libc6-shim#14, facebookresearch/vggt#437)
    ("|   0  Quadro RTX 4000                Off | 00000000:06:00.0 Off |                  N/A |", "7.5"),
    ("|   0  GeForce GTX 680     Off  | 0000:03:00.0     N/A |                  N/A |", "3.0"),
    ("|   0  GRID K520           Off  | 0000:00:03.0     Off |                  N/A |", "3.0"),
    ("|   0  NVIDIA B200                    On  |   00000000:63:00.0 Off |                    0 |", "10.0"),
    ("|   0  NVIDIA GeForce RTX 3080 ...    Off |   00000000:01:00.0 Off |                  N/A |", "8.6"),
    ("|   0  NVIDIA GeForce RTX 4070        Off |   00000000:2D:00.0  On |                  N/A |", "8.9"),
    ("|   0  NVIDIA GeForce RTX 5070        Off |   00000000:02:00.0  On |                  N/A |", "12.0"),
    ("|   0  NVIDIA GeForce RTX 5070 Ti   WDDM  |   00000000:01:00.0  On |                  N/A |", "12.0"),
    # nvidia-smi -q / -q -x (docker/docs#19366, NVIDIA/nvidia-docker#1330, netdata/netdata#2759,
    # anderskm/gputil#38, MatthiasSchinzel/sysmon#12, NVIDIA/nvidia-container-toolkit#169, 1Panel-dev/1Panel#9504)
    ("    Product Name                          : NVIDIA GeForce RTX 4070 Laptop GPU", "8.9"),
    ("    Product Name                    : GeForce GTX 1650", "7.5"),
    ("    Product Name                    : GeForce 8800 GT", None),
    ("    Product Name                    : GeForce GTX 1080 Ti", "6.1"),
    ("    Product Name                          : GeForce GTX 780", "3.5"),
    ("    Product Name                          : NVIDIA GeForce GTX 1650", "7.5"),
    ("                <product_name>GeForce 410M</product_name>", "2.1"),
    # lspci and desktop tools (dracula/tmux#272, prasanthrangan/hyprdots#1513)
    ("06:00.0 3D controller: NVIDIA Corporation GP108M [GeForce MX250] (rev a1)", "6.1"),
    ("01:00.0 VGA compatible controller: NVIDIA Corporation GP102 [TITAN X] (rev a1)", "6.1"),
    ("GPU 2: NVIDIA GeForce MX450 [Discrete]", "7.5"),
    # collect_env (pytorch/pytorch#91973)
    ("GPU models and configuration: GPU 0: NVIDIA GeForce RTX 4080", "8.9"),
    # torch's warnings, which print the capability next to the name (pytorch/pytorch#16712, #31319,
    # alievk/avatarify-python#58, peterjc123/pytorch-scripts#13, AUTOMATIC1111/stable-diffusion-webui#3003,
    # w-okada/voice-changer#447, lucasxlu/ComboLoss#3, RetroUpgrade-YouTube/Hi3DGen_1Click_installer#5,
    # neosun100/cosyvoice-docker#6, lmoe/wyoming-xtts#1, coendevente/SlicerNNInteractive#58,
    # astra-vision/MonoScene#80, IAHispano/Applio#1006, pytorch/pytorch#150733, #52736, #53164)
    ("Found GPU0 GeForce GTX 670M which is of cuda capability 2.1.", "2.1"),
    ("Found GPU0 GeForce GTX 660 Ti which is of cuda capability 3.0.", "3.0"),
    ("Found GPU0 GeForce GTX 960M which is of cuda capability 5.0.", "5.0"),
    ("Found GPU0 NVIDIA GTX TITAN Black which is of cuda capability 3.5.", "3.5"),
    ("Found GPU0 GeForce GT 720 which is of cuda capability 3.5.", "3.5"),
    ("NVIDIA GeForce RTX 3080 Laptop GPU with CUDA capability sm_86 is not compatible with the current PyTorch installation.", "8.6"),
    ("NVIDIA GeForce RTX 5080 Laptop GPU with CUDA capability sm_120 is not compatible with the current PyTorch installation.", "12.0"),
    ("NVIDIA GeForce RTX 5070 Ti with CUDA capability sm_120 is not compatible with the current PyTorch installation.", "12.0"),
    ("NVIDIA GeForce RTX 5060 Ti with CUDA capability sm_120 is not compatible with the current PyTorch installation.", "12.0"),
    ("NVIDIA GeForce RTX 5070 Laptop GPU with CUDA capability sm_120 is not compatible with the current PyTorch installation.", "12.0"),
    ("NVIDIA GeForce RTX 4060 Laptop GPU with CUDA capability sm_89 is not compatible with the current PyTorch installation.", "8.9"),
    ("NVIDIA GeForce RTX 5090 with CUDA capability sm_120 is not compatible with the current PyTorch installation.", "12.0"),
    ("GeForce RTX 5090 D with CUDA capability sm_120 is not compatible with the current PyTorch installation.", "12.0"),
    ("GeForce RTX 3070 with CUDA capability sm_86 is not compatible with the current PyTorch installation.", "8.6"),
    ("GeForce GTX 1070 Ti with CUDA capability sm_61 is not compatible with the current PyTorch installation.", "6.1"),
    # deviceQuery (MrJoy/where-is-everybody, chengli1986/571e)
    ('Device 0: "GeForce GT 650M"', "3.0"),
    ('Device 0: "GeForce GT 330M"', None),
    # torch.cuda.get_device_properties
    ("_CudaDeviceProperties(name='NVIDIA GeForce RTX 3090', major=8, minor=6, total_memory=24268MB, multi_processor_count=82)", "8.6"),
    ("_CudaDeviceProperties(name='Tesla T4', major=7, minor=5, total_memory=15109MB, multi_processor_count=40)", "7.5"),
    ("_CudaDeviceProperties(name='NVIDIA A100-SXM4-40GB', major=8, minor=0, total_memory=40536MB, multi_processor_count=108)", "8.0"),
    # Cloud GPU ids (NVML names) and display names (docs.runpod.io/references/gpu-types, runpod/docs#633)
    ("NVIDIA RTX PRO 6000 Blackwell Server Edition MIG 1g.24gb", "12.0"),
    ("NVIDIA RTX PRO 6000 Blackwell Server Edition MIG 2g.48gb", "12.0"),
    ("NVIDIA B300 SXM6 AC MIG 1g.34gb", "10.3"),
    ("NVIDIA RTX 6000D", "12.0"),
    ("NVIDIA RTX PRO 4500 Blackwell Server Edition", "12.0"),
    ("NVIDIA RTX PRO 4500 Blackwell", "12.0"),
    ("NVIDIA RTX PRO 4000 Blackwell", "12.0"),
    ("NVIDIA RTX PRO 6000 Blackwell Workstation Edition", "12.0"),
    ("NVIDIA H100 80GB HBM3", "9.0"), ("NVIDIA H200", "9.0"), ("NVIDIA L40S", "8.9"), ("NVIDIA L40", "8.9"),
    ("NVIDIA L4", "8.9"), ("NVIDIA A40", "8.6"), ("NVIDIA A30", "8.0"), ("NVIDIA RTX A6000", "8.6"),
    ("NVIDIA RTX A5000", "8.6"), ("NVIDIA RTX A4500", "8.6"), ("NVIDIA RTX A4000", "8.6"), ("NVIDIA RTX A2000", "8.6"),
    ("NVIDIA A100 80GB PCIe", "8.0"), ("NVIDIA H100 NVL", "9.0"), ("NVIDIA H100 PCIe", "9.0"),
    ("NVIDIA RTX 4000 Ada Generation", "8.9"), ("NVIDIA RTX 6000 Ada Generation", "8.9"),
    ("NVIDIA RTX 2000 Ada Generation", "8.9"), ("NVIDIA RTX 5000 Ada Generation", "8.9"),
    ("NVIDIA RTX 4000 SFF Ada Generation", "8.9"), ("NVIDIA GeForce RTX 4080 SUPER", "8.9"),
    ("NVIDIA GeForce RTX 4070 Ti", "8.9"), ("NVIDIA GeForce RTX 3080 Ti", "8.6"), ("NVIDIA GeForce RTX 3090 Ti", "8.6"),
    ("Tesla V100-PCIE-16GB", "7.0"), ("Tesla V100-FHHL-16GB", "7.0"), ("Tesla V100-SXM2-16GB", "7.0"),
    ("Tesla V100-SXM2-32GB", "7.0"), ("AMD Instinct MI300X OAM", None), ("NVIDIA B200", "10.0"),
    ("RTX 4090", "8.9"), ("A100 PCIe", "8.0"), ("A100 SXM", "8.0"), ("H100 SXM", "9.0"), ("H100 PCIe", "9.0"),
    ("H100 NVL", "9.0"), ("H200 SXM", "9.0"), ("RTX PRO 4500", "12.0"), ("RTX 2000 Ada", "8.9"),
    ("RTX 4000 Ada", "8.9"), ("RTX 5000 Ada", "8.9"), ("RTX 6000 Ada", "8.9"), ("L40S", "8.9"), ("MI300X", None),
    ("B200", "10.0"), ("B300", "10.3"), ("RTX 3090", "8.6"), ("RTX 5090", "12.0"), ("A40", "8.6"), ("L4", "8.9"),
    ("RTX A6000", "8.6"), ("RTX A5000", "8.6"), ("RTX A4000", "8.6"), ("V100 SXM2", "7.0"), ("RTX 4000 SFF Ada", "8.9"),
    ("RTX 3080", "8.6"), ("RTX 3070", "8.6"), ("RTX 4080", "8.9"), ("RTX 4070 Ti", "8.9"), ("RTX 5080", "12.0"),
    # Kubernetes GPU feature discovery labels (NVIDIA/k8s-device-plugin#731, NVIDIA/gpu-feature-discovery#54)
    ("nvidia.com/gpu.product: NVIDIA-DGX-Display", "7.5"),
    ("nvidia.com/gpu.product=NVIDIA-A100-SXM4-80GB", "8.0"),
    ("NVIDIA-A100-SXM4-40GB", "8.0"), ("T4", "7.5"), ("V100", "7.0"),
    # People (pytorch/pytorch#30532, #31319, #61525, #14681, riffusion/riffusion-hobby#61,
    # graphdeco-inria/diff-gaussian-rasterization#97, pytorch/pytorch.github.io#72)
    ("Nvidia 820m", "ambiguous:2.1,3.0"), ("GeForce 710", "ambiguous:2.1,3.5"), ("Tesla K40m", "3.5"),
    ("Tesla K80", "3.7"), ("K40c", "3.5"), ("P4", "6.1"), ("GeForce GT 740M", "ambiguous:3.0,3.5"),
    ("4090RTX", "8.9"), ("5070Ti", "12.0"), ("RTX 50 series", None), ("GeForce GM630m", None),
    ("Quadro 600", "2.1"), ("GeForce GT 750M", "3.0"), ("Geforce RTX 3070", "8.6"),
    # a laptop part's "M" glued on or set apart (cloud-py-api/visionatrix#19, peterjc123/pytorch-scripts#18,
    # resemble-ai/chatterbox#95)
    ("1070m", "6.1"), ("Nvidia GTX 860 M", "ambiguous:3.0,5.0"), ("GPU: RTX4060 mobile.", "8.9"),
]

# The traps named in the issue that asked for this resolver, and other names that must stay
# ambiguous or must not borrow a neighbour's answer.
TRAPS = [
    ("NVIDIA RTX 6000 Ada", "8.9"), ("RTX 4000 SFF Ada", "8.9"),
    ("NVIDIA RTX 5000 Ada Generation Laptop GPU", "8.9"), ("RTX 6000 Pro", "12.0"), ("RTX 5000 Blackwell", "12.0"),
    ("GeForce RTX 3050 A Laptop GPU", "8.9"), ("NVIDIA GeForce RTX 3050 A Laptop GPU", "8.9"),
    ("RTX 6000", "ambiguous:7.5,8.9,12.0"), ("RTX 2000", "ambiguous:8.9,12.0"), ("TITAN X", "ambiguous:5.2,6.1"),
    ("RTX 5000", "ambiguous:7.5,8.9,12.0"), ("RTX 4000", "ambiguous:7.5,8.9,12.0"),
    ("Quadro 6000", "ambiguous:2.0,7.5"), ("Quadro RTX 6000", "7.5"), ("GeForce GT 730", "ambiguous:2.1,3.0,3.5"),
    ("GT 630", "ambiguous:2.1,3.0,3.5"), ("GTX 860M", "ambiguous:3.0,5.0"), ("A100", "8.0"), ("RTX3090", "8.6"),
    ("3090", "8.6"), ("4090", "8.9"), ("A100 80G", "8.0"), ("H100", "9.0"), ("NVIDIA-H100-80GB-HBM3-SHARED", "9.0"),
    ("NVIDIA-A100-SXM4-40GB-MIG-1g.5gb", "8.0"), ("RTX 5090 D", "12.0"), ("NVIDIA GeForce RTX 5090 D v2", "12.0"),
    ("RTX 3050", "8.6"), ("RTX 3050 Laptop", "8.6"), ("RTX 3060 Mobile", "8.6"), ("RTX 3080 Max-Q", "8.6"),
    ("GTX 1050 Ti with Max-Q Design", "6.1"), ("TITAN X Pascal", "6.1"), ("GTX TITAN X", "5.2"),
    ("Jetson AGX Orin", "8.7"), ("Jetson Orin Nano", "8.7"), ("Jetson Nano", "5.3"), ("Jetson AGX Xavier", "7.2"),
    ("Tegra X1", "5.3"), ("NVIDIA GB10", "12.1"), ("DGX Spark", "12.1"), ("NVIDIA L2", "8.9"),
    ("RTX 5050 Laptop GPU", "12.0"), ("NVIDIA GeForce RTX 5050 Laptop GPU", "12.0"), ("RTX 5050", "12.0"),
    ("0x2684", "8.9"), ("10de:2b85", "12.0"), ("NVIDIA Graphics Device", None), ("Voodoo 5", None),
    ("RTX 4099", None), ("GTX 3090", None), ("RTX 2080 Super", "7.5"), ("2080S", "7.5"), ("RTX 3090 24GB", "8.6"),
    ("ASUS ROG Strix GeForce RTX 3090 OC", "8.6"), ("GeForce RTX 3090 Founders Edition", "8.6"),
    ("nvidia geforce rtx 4090 laptop gpu", "8.9"), ("NVIDIA GeForce RTX 4090 L...", "8.9"),
]
