"""Lesson: your own trained model — its gradient flow and its gates on an input you choose.

Storyboard: the model (upload or example, read by rnnviz.io.upload) → controls → cached
computation (rnnviz.lessons.compare.inspect_layer) → figures → equations and explanation.
"""

import numpy as np
import streamlit as st

from pages import i18n, teacher, ui
from rnnviz import RnnvizError
from rnnviz.lessons import compare as lc
from rnnviz.io import upload
from rnnviz.figures import compare as figs
from rnnviz.figures import gates as gate_figs

TEXT = {
    "title": "Your own model",
    "intro": (
        "Bring a recurrent network you trained: upload the state_dict of its nn.RNN, nn.LSTM or "
        "nn.GRU and see, on an input you choose, how far back its gradient reaches and what "
        "its gates do. Only the weights are read: a file with code in it is refused."
    ),
    # the model
    "h_model": "1 · The model",
    "uploader": "State_dict of an nn.RNN, nn.LSTM or nn.GRU (.pt, .pth or .npz, up to {mib} MiB)",
    "uploader_help": (
        "Save the recurrent layer's weights, not the whole model: torch.save(model.rnn.state_dict(), "
        "'rnn.pt'). A whole model's state_dict also works: the recurrent keys are found and the "
        "rest is ignored. Up to {mib} MiB (1 MiB = 1,048,576 bytes) and {params:,} parameters."
    ),
    "how_to_save": "How to save a model for this page",
    "example": "Use an example model",
    "example_help": (
        "A seeded, untrained 2-layer nn.LSTM (input 3, hidden 32) with a Linear head, saved "
        "with torch.save in memory: what you would upload."
    ),
    "example_name": "the example model (an untrained 2-layer nn.LSTM, seed 0)",
    "empty": "Upload a state_dict above, or press “Use an example model”.",
    "showing": "Showing {name}: {what}.",
    "module": "Recurrent module shown",
    "module_top": "(top level)",
    "layer": "Layer shown",
    "layer_fmt": "layer {k}",
    "act": "Activation of this nn.RNN (a state_dict does not record it)",
    "m_params": "Parameters (all layers)",
    "m_layer": "Layer shown",
    "m_layer_of": "{k} of 0–{last}",
    "m_layer_only": "0 (the only one)",
    "m_sizes": "Input → hidden",
    "m_span": "Steps back above θ",
    "m_span_fwd": "Steps back above θ (forward)",
    "m_span_rev": "Steps forward above θ (reverse)",
    "m_span_all": "{n} (all)",
    # controls
    "input": "Input x_t",
    "input_random": "random: Gaussian noise N(0, s²), seeded",
    "input_constant": "constant: every entry equals s",
    "input_pasted": "pasted: the numbers you paste on the page",
    "T": "Sequence length T (steps; random and constant input)",
    "scale": "Input scale s",
    "thr": "Threshold θ (fraction of the gradient at the loss)",
    "seed": "Random seed",
    "preset_noise": "Noise",
    "preset_constant": "Constant",
    "preset_long": "Long input",
    "preset_pasted": "Pasted",
    # the input
    "h_input": "2 · The input",
    "paste": "Your sequence: numbers separated by commas or spaces",
    "paste_rows": "Your sequence: one time step per line, {I} numbers per line",
    "paste_help": "Decimal numbers like 0.5, -2 or 1e-3, between −1e6 and 1e6; at most 2000 steps.",
    "input_caption": "{T} steps of {I} number(s) each feed layer 0.",
    "input_below": "Layer {layer} reads the output of the layers below it (0–{below}) on this input.",
    "overflow": (
        "The forward pass overflowed at step {step} (the state passed 1e308); the steps before "
        "it are shown, with the loss at step {last}."
    ),
    # gradient flow
    "h_flow": "3 · How far back the gradient reaches",
    "fig_flow_title": "Gradient norm at each step, log scale",
    "fig_x": "time step k",
    "fig_y": "log₁₀ ‖∂C/∂h_k‖",
    "curve_fwd": "‖∂C/∂h_k‖, forward (loss at k = T−1)",
    "curve_rev": "‖∂C/∂h_k‖, reverse (loss at k = 0)",
    "curve_c_fwd": "‖∂C/∂c_k‖, forward",
    "curve_c_rev": "‖∂C/∂c_k‖, reverse",
    "curve_h": "‖∂C/∂h_k‖ (loss at k = T−1)",
    "curve_c": "‖∂C/∂c_k‖",
    "fig_thr": "θ = {theta}",
    "fig_below": "{name}: first below θ at k = {k}",
    "fig_hover_y": "log₁₀ norm",
    "flow_text": (
        "The loss is C = vᵀh_n with a fixed random unit vector v: PyTorch's h_n, the last hidden "
        "state (for a bidirectional layer, the forward direction's at the last step and the "
        "reverse direction's at step 0, each measured on its own). Each line is the exact "
        "‖∂C/∂h_k‖ from back-propagation through time, as a power of ten. A line that falls "
        "steadily means this trained model cannot learn from inputs that far back; a flat line "
        "means it can; a rising one means its gradients explode."
    ),
    # gates
    "h_gates": "4 · Gates and states over time",
    "fig_gates_title": "What each unit's gates did at each step",
    "fig_units": "unit j",
    "units_bi": "Units 0–{last_fwd} are the forward direction, {H}–{last} the reverse direction.",
    "bar_gate": "gate",
    "bar_slope": "σ′",
    "bar_tanh": "value",
    "bar_state": "state",
    "hover_value": "value",
    "panel_i": "input gate i",
    "panel_f": "forget gate f (1 keeps the cell state)",
    "panel_g": "cell input g",
    "panel_o": "output gate o",
    "panel_c": "cell state c",
    "panel_r": "reset gate r",
    "panel_z": "update gate z (1 keeps the old state)",
    "panel_n": "candidate n",
    "panel_h": "hidden state h",
    "panel_dact": "σ′(h*): the slope each step multiplies the gradient by",
    "panel_log": "{name}, as sign·log₁₀(1 + |value|)",
    "gates_text_rnn": (
        "For an RNN the gradient is multiplied at every step by W_hhᵀ and by σ′(h*), the "
        "slope of the activation: dark stretches in the lower map are steps where the units "
        "saturate (tanh) or are off (ReLU), and there the gradient is cut."
    ),
    "gates_text_lstm": (
        "Where the forget gate f stays near 1 the cell state, and its gradient, pass through "
        "unchanged; where it drops, the LSTM forgets, and the gradient through c shrinks by f."
    ),
    "gates_text_gru": (
        "Where the update gate z stays near 1 the GRU copies its old state, h_t ≈ h_{t−1}, "
        "and the gradient passes through; where z is near 0 the state is replaced by n."
    ),
    "how_to": (
        "```python\n"
        "# the recurrent layer only (any num_layers, bidirectional, batch_first):\n"
        "torch.save(model.rnn.state_dict(), 'rnn.pt')\n"
        "# or the whole model's state_dict: the rnn.* keys are found, the rest ignored\n"
        "torch.save(model.state_dict(), 'model.pt')\n"
        "# or numpy arrays\n"
        "np.savez('rnn.npz', **{k: v.numpy() for k, v in model.rnn.state_dict().items()})\n"
        "```\n"
        "Not `torch.save(model, ...)`: a whole pickled model holds code and is refused."
    ),
    # what the model is (rnnviz.io.upload.Model.describe, in this page's words)
    "d_model": "{what} ({extra})",
    "d_sep": ", ",
    "d_layers": "{n} layers",
    "d_layer": "1 layer",
    "d_input": "input size {n}",
    "d_hidden": "hidden size {n}",
    "d_bi": "bidirectional",
    "d_nobias": "no bias",
    # what the loader said (rnnviz.io.upload: a Note's or an RnnvizError's code, with its params).
    # In English the page shows the library's own sentence; these say the same.
    "lib_list_sep": ", ",
    "lib_other": "{detail}",
    "lib_note_modules": "The file holds {n} recurrent modules ({modules}); showing {shown}.",
    "lib_note_nested": "Read the weights nested under {path} in the file.",
    "lib_note_prefix": (
        "Stripped the prefix {prefix} from the key names (the recurrent layer of a bigger model)."
    ),
    "lib_note_ignored": "Ignored {n} other entries: {keys}.",
    "lib_note_cell_keys": (
        "Keys without a layer number (weight_ih, not weight_ih_l0): read as the state_dict of an "
        "nn.RNNCell / nn.LSTMCell / nn.GRUCell, one layer."
    ),
    "lib_note_layers": "This model has {n} layers; layer 0 is shown unless you pick another.",
    "lib_note_rnn_act": (
        "A state_dict does not say whether an nn.RNN used tanh or relu: choose below (tanh is "
        "PyTorch's default)."
    ),
    "lib_too_big": (
        "The file is {size} MiB; the limit is {limit}. Upload the state_dict of the recurrent "
        "layer only."
    ),
    "lib_empty": "The file is empty.",
    "lib_zip_broken": (
        "The file looks like a zip archive (.pt or .npz) but cannot be opened ({detail}): it may "
        "be corrupt or truncated."
    ),
    "lib_zip_bomb": (
        "The archive unpacks to more than {limit} (its members are compressed); refused before "
        "unpacking. Save the state_dict with torch.save or np.savez, which do not compress."
    ),
    "lib_torch_unreadable": (
        "The file could not be read as a PyTorch file ({detail}): it may be corrupt, truncated "
        "or of another format."
    ),
    "lib_pickle_protocol": (
        "This file is a pickle of protocol {protocol} (written by pickle.dump, or by torch.save "
        "with pickle_protocol={protocol}); the safe reader used here (torch.load with "
        "weights_only=True) reads protocols 2 and 3 only, so nothing in it was read or run. Save "
        "it again with torch.save(model.state_dict(), 'model.pt'), whose default protocol is 2."
    ),
    "lib_pickle_unreadable": (
        "The file could not be read as plain weights: torch.load with weights_only=True stopped "
        "at \"{stopped}\". It is corrupt, not a PyTorch file, or a pickle of something other than "
        "tensors; nothing in it was run. Upload a state_dict saved with "
        "torch.save(model.state_dict(), 'model.pt')."
    ),
    "lib_whole_model": (
        "This file is a whole pickled model ({name}), not a state_dict: loading it would run code "
        "from the file, so it was refused (torch.load with weights_only=True blocks the global "
        "{name}). Save the weights instead: torch.save(model.state_dict(), 'model.pt')."
    ),
    "lib_code": (
        "This file contains code: unpickling it would call {name}. It was refused and nothing in "
        "it was run (torch.load with weights_only=True blocks the global {name}). Upload a "
        "state_dict of tensors only."
    ),
    "lib_numpy_pickle": (
        "This file holds numpy objects pickled inside a .pt, which cannot be read safely "
        "(torch.load with weights_only=True blocks the global {name}). Save torch tensors, or "
        "save the arrays with np.savez as an .npz."
    ),
    "lib_python_object": (
        "This file refers to the Python object {name} (a class or function of the code that saved "
        "it), so it was refused and nothing in it was run (torch.load with weights_only=True "
        "blocks the global {name}). If it is a whole model, save its weights instead: "
        "torch.save(model.state_dict(), 'model.pt')."
    ),
    "lib_npz_objects": (
        "This .npz holds Python objects (an object array), which would have to be unpickled; it "
        "was refused and nothing in it was run. Save plain number arrays."
    ),
    "lib_npz_broken": "The .npz could not be read ({detail}): it may be corrupt or truncated.",
    "lib_pickle_big": (
        "The file's pickle (data.pkl) is {size} MiB; a state_dict's takes a few kB (the limit is "
        "{limit}), the numbers being stored apart. It holds Python data besides the tensors: "
        "save only model.state_dict()."
    ),
    "lib_zip_unknown": (
        "The file is a zip archive but neither a PyTorch file (no data.pkl) nor an .npz (not only "
        ".npy arrays)."
    ),
    "lib_npy_single": (
        "This is a single .npy array, not named weights: save the state_dict with "
        "np.savez('model.npz', **arrays) instead."
    ),
    "lib_npz_not_zip": "The .npz is not a zip archive: it may be corrupt or truncated.",
    "lib_legacy_big": (
        "This file is not a zip archive, so it is PyTorch's legacy format (before version 1.6) or "
        "a plain pickle, which are read up to {limit} (it is {size} MiB). Save it again with a "
        "current torch.save(model.state_dict(), 'model.pt')."
    ),
    "lib_too_many_entries": (
        "The file holds more than {limit} entries (counting every nested dict each time it "
        "appears); a state_dict has a few per layer."
    ),
    "lib_list_deep": "{key} is a list nested more than two deep; a weight is a matrix or a vector.",
    "lib_list_ragged": "{key} is a ragged list (rows of different lengths), not a matrix of numbers.",
    "lib_list_type": "{key} is a list holding a {type}, not numbers.",
    "lib_list_long": (
        "{key} is a Python list of more than {limit} numbers; save tensors: "
        "torch.save(model.state_dict(), 'model.pt')."
    ),
    "lib_complex": (
        "{key} holds complex numbers ({dtype}); a recurrent layer's weights are real. Nothing was "
        "dropped: save the real weights."
    ),
    "lib_layout": "{key} is a {layout} tensor that cannot be read as plain numbers; save dense tensors.",
    "lib_dtype": "{key} is not an array of real numbers (dtype {dtype}).",
    "lib_expanded": (
        "{key} has shape {shape} ({numel} numbers) but only {stored} are stored in the file: it "
        "repeats them by zero strides (a view made by .expand()). Save real weights: "
        "t.contiguous() or model.state_dict() of a trained model."
    ),
    "lib_not_array": "{key} is a {type}, not an array of real numbers.",
    "lib_tensor_unreadable": "{key} is a tensor that cannot be read as plain numbers.",
    "lib_not_real": "{key} is not an array of real numbers.",
    "lib_layer_digits": (
        "The key {key} names a layer number {digits} digits long; a model here has at most "
        "{limit} layers."
    ),
    "lib_twice": "The file has {key} twice under {module}.",
    "lib_twice_top": "The file has {key} twice under the top level.",
    "lib_unreadable": (
        "The file could not be read ({detail}). Upload a state_dict saved with "
        "torch.save(model.state_dict(), 'model.pt')."
    ),
    "lib_not_dict": (
        "The file holds a {type}, not a state_dict (a dict of named weights). Save it with "
        "torch.save(model.state_dict(), 'model.pt')."
    ),
    "lib_not_dict_tensor": (
        "The file holds a single tensor of shape {shape}, not a state_dict (a dict of named "
        "weights). Save it with torch.save(model.state_dict(), 'model.pt')."
    ),
    "lib_no_arrays": (
        "The file holds no arrays at all, so it is not the state_dict of an nn.RNN, nn.LSTM or "
        "nn.GRU."
    ),
    "lib_not_recurrent": (
        "This is not the state_dict of an nn.RNN, nn.LSTM or nn.GRU: it has no weight_ih_l0 / "
        "weight_hh_l0 keys. It holds {arrays}, which look like another kind of layer's (a Linear "
        "layer?) weights."
    ),
    "lib_not_recurrent_conv": (
        "This is not the state_dict of an nn.RNN, nn.LSTM or nn.GRU: it has no weight_ih_l0 / "
        "weight_hh_l0 keys. It holds {arrays}, which look like a convolution's weights."
    ),
    "lib_no_module": "The file has no recurrent module {module}; it has {modules}.",
    "lib_mixed_keys": (
        "The file mixes keys with and without a layer number (weight_ih and weight_ih_l0) in one "
        "module."
    ),
    "lib_changed_shape": "{key} changed shape when read: {before} → {after}.",
    "lib_not_finite": "{key} contains NaN or infinite values.",
    "lib_projection": (
        "This LSTM has a projection (proj_size > 0, weight_hr_l0), which rnnviz does not support."
    ),
    "lib_layer_numbers": "The layers are not numbered 0, 1, …: the file has layers {layers}.",
    "lib_too_many_layers": "The model has {n} layers; the limit is {limit}.",
    "lib_incomplete": (
        "The recurrent weights are incomplete: weight_ih_l0 and weight_hh_l0 are both needed."
    ),
    "lib_hh_shape": (
        "weight_hh_l0 has shape {shape}, which is not (G·H, H) for G = 1 (RNN), 3 (GRU) or 4 (LSTM)."
    ),
    "lib_hh_blocks": (
        "weight_hh_l0 has shape {shape}: {G} blocks of {H} units, but an RNN has 1, a GRU 3 and an "
        "LSTM 4."
    ),
    "lib_hidden_big": "The hidden size is {H}; rnnviz handles up to {limit} units.",
    "lib_missing": "The weights are incomplete: {keys} missing.",
    "lib_missing_layer": (
        "The weights are incomplete: {keys} missing (layer {layer} needs what layer 0 has)."
    ),
    "lib_hh_other": (
        "{key} has shape {shape}, but weight_hh_l0 {first} means {G} gate blocks of {H} units, so "
        "it should be ({rows}, {H})."
    ),
    "lib_ih_rows": (
        "{key} has shape {shape}, but weight_hh_l0 {first} means {G} gate blocks of {H} units, so "
        "it needs {rows} rows."
    ),
    "lib_directions_input": (
        "{key} has {cols} columns but weight_ih_l0 has {input}: the two directions disagree on "
        "the input size."
    ),
    "lib_input_size": (
        "The input size is {n} (weight_ih_l0 has {n} columns); rnnviz handles 1 to {limit}."
    ),
    "lib_ih_cols": (
        "{key} has shape {shape}: layer {layer} reads the {n} outputs of layer {below}, so it "
        "needs {n} columns."
    ),
    "lib_bias_shape": "{key} has shape {shape}; it should be ({rows},).",
    "lib_extra": (
        "{keys}: these keys do not fit the directions and biases of layer 0."
    ),
    "lib_model_params": (
        "This {kind} has {params} parameters and {layers} layer(s) of {width} units: too big to "
        "read here. This page reads models up to {max_params} parameters ({max_mib} as float64) "
        "and {max_units} hidden units over all layers: enough to see gradients vanish or explode, "
        "and what one server can hold and draw for a class. Upload a smaller model, or fewer of "
        "its layers."
    ),
    "lib_model_units": (
        "This {kind} has {params} parameters and {layers} layer(s) of {width} units, {units} in "
        "all: too many to draw here. This page reads models up to {max_params} parameters "
        "({max_mib} as float64) and {max_units} hidden units over all layers: enough to see "
        "gradients vanish or explode, and what one server can hold and draw for a class. Upload a "
        "smaller model, or fewer of its layers."
    ),
    "lib_cost": (
        "Drawing layer {layer} of this model on {steps} steps costs {cost} units of work "
        "(multiply-adds, plus {overhead} per layer and step), more than the {budget} (about 2 s "
        "of the server's CPU) one view may cost, so it was not drawn. Use at most {max} steps for "
        "this layer."
    ),
    "lib_cost_layers": (
        "Drawing layer {layer} of this model on {steps} steps costs {cost} units of work (layers "
        "0–{layer} run) (multiply-adds, plus {overhead} per layer and step), more than the "
        "{budget} (about 2 s of the server's CPU) one view may cost, so it was not drawn. Use at "
        "most {max} steps for this layer."
    ),
    "lib_overflow": (
        "The forward pass overflowed at step {step}: the state stopped being finite (it grew "
        "past 1e308)."
    ),
    "lib_entry_empty": "Entry {i} is empty (two separators in a row?).",
    "lib_entry_empty_line": "Entry {i} on line {line} is empty (two separators in a row?).",
    "lib_entry_nan": "Entry {i}, {token}, is not a number (write e.g. 0.5, -2 or 1e-3).",
    "lib_entry_nan_line": (
        "Entry {i} on line {line}, {token}, is not a number (write e.g. 0.5, -2 or 1e-3)."
    ),
    "lib_entry_range": "Entry {i}, {token}, is outside −1e6 … 1e6.",
    "lib_entry_range_line": "Entry {i} on line {line}, {token}, is outside −1e6 … 1e6.",
    "lib_text_long": "The pasted text has {n} characters; the limit is {limit}.",
    "lib_paste_empty": "Paste at least one number.",
    "lib_seq_long": "The sequence has {n} steps; the limit is {limit}.",
    "lib_line_count": (
        "Line {line} has {n} number(s); this model reads {size} per step (one step per line)."
    ),
    # select-box options as the box shows them (the URL keeps the key)
    "opt_input_random": "random noise",
    "opt_input_constant": "constant",
    "opt_input_pasted": "pasted numbers",
}

TEXT_ZH = {
    "title": "你自己的模型",
    "intro": (
        "把你训练好的循环网络带来：上传它的 nn.RNN、nn.LSTM 或 nn.GRU 的 state_dict，在你选定的"
        "输入上看看它的梯度能往回传多远、它的各个门在做什么。这里只读取权重：含有代码的文件一律拒收。"
    ),
    # the model
    "h_model": "1 · 模型",
    "uploader": "nn.RNN、nn.LSTM 或 nn.GRU 的 state_dict（.pt、.pth 或 .npz，不超过 {mib} MiB）",
    "uploader_help": (
        "请保存循环层的权重，而不是整个模型：torch.save(model.rnn.state_dict(), 'rnn.pt')。"
        "整个模型的 state_dict 也可以：页面会找出其中循环层的键，其余的忽略。文件不超过 {mib} MiB"
        "（1 MiB = 1,048,576 字节），参数不超过 {params:,} 个。"
    ),
    "how_to_save": "如何为本页保存模型",
    "example": "使用示例模型",
    "example_help": (
        "一个固定随机种子、未经训练的 2 层 nn.LSTM（输入 3，隐藏层 32），带一个 Linear 输出头，"
        "在内存中用 torch.save 保存：和你上传的文件完全一样。"
    ),
    "example_name": "示例模型（未经训练的 2 层 nn.LSTM，种子 0）",
    "empty": "请在上方上传一个 state_dict，或者点击“使用示例模型”。",
    "showing": "当前显示的是 {name}：{what}。",
    "module": "显示的循环模块",
    "module_top": "（顶层）",
    "layer": "显示的层",
    "layer_fmt": "第 {k} 层",
    "act": "这个 nn.RNN 的激活函数（state_dict 里没有记录）",
    "m_params": "参数量（所有层）",
    "m_layer": "显示的层",
    "m_layer_of": "{k}（共 0–{last}）",
    "m_layer_only": "0（唯一的一层）",
    "m_sizes": "输入 → 隐藏",
    "m_span": "梯度高于 θ 的回溯步数",
    "m_span_fwd": "梯度高于 θ 的回溯步数（正向）",
    "m_span_rev": "梯度高于 θ 的前溯步数（反向）",
    "m_span_all": "{n}（全部）",
    # controls
    "input": "输入 x_t",
    "input_random": "随机：高斯噪声 N(0, s²)，固定种子",
    "input_constant": "常数：每个元素都等于 s",
    "input_pasted": "粘贴：你在页面上粘贴的数字",
    "T": "序列长度 T（时间步；随机与常数输入）",
    "scale": "输入幅度 s",
    "thr": "阈值 θ（占损失处梯度的比例）",
    "seed": "随机种子",
    "preset_noise": "噪声",
    "preset_constant": "常数",
    "preset_long": "长输入",
    "preset_pasted": "粘贴",
    # the input
    "h_input": "2 · 输入",
    "paste": "你的序列：用逗号或空格分隔的数字",
    "paste_rows": "你的序列：每行一个时间步，每行 {I} 个数",
    "paste_help": "十进制数，如 0.5、-2 或 1e-3，取值在 −1e6 到 1e6 之间；最多 2000 步。",
    "input_caption": "共 {T} 步，每步 {I} 个数，输入第 0 层。",
    "input_below": "第 {layer} 层读取的是下面各层（0–{below}）在这个输入上的输出。",
    "overflow": (
        "前向计算在第 {step} 步溢出（状态超过了 1e308）；图中显示的是溢出之前的各步，"
        "损失取在第 {last} 步。"
    ),
    # gradient flow
    "h_flow": "3 · 梯度能往回传多远",
    "fig_flow_title": "各时间步的梯度范数（对数刻度）",
    "fig_x": "时间步 k",
    "fig_y": "log₁₀ ‖∂C/∂h_k‖",
    "curve_fwd": "‖∂C/∂h_k‖，正向（损失在 k = T−1）",
    "curve_rev": "‖∂C/∂h_k‖，反向（损失在 k = 0）",
    "curve_c_fwd": "‖∂C/∂c_k‖，正向",
    "curve_c_rev": "‖∂C/∂c_k‖，反向",
    "curve_h": "‖∂C/∂h_k‖（损失在 k = T−1）",
    "curve_c": "‖∂C/∂c_k‖",
    "fig_thr": "θ = {theta}",
    "fig_below": "{name}：在 k = {k} 处首次低于 θ",
    "fig_hover_y": "log₁₀ 范数",
    "flow_text": (
        "损失取 C = vᵀh_n，v 是一个固定的随机单位向量：h_n 就是 PyTorch 的最后一个隐藏状态"
        "（对双向层，分别取正向在最后一步、反向在第 0 步的状态，各自单独测量）。每条曲线都是"
        "通过 BPTT（随时间反向传播）精确算出的 ‖∂C/∂h_k‖，以十的幂次表示。曲线稳定下降，说明这个"
        "训练好的模型学不到那么久以前的输入（梯度消失）；曲线平坦，说明它能学到；曲线上升，"
        "说明它的梯度在爆炸。"
    ),
    # gates
    "h_gates": "4 · 门与状态随时间的变化",
    "fig_gates_title": "每个单元的门在每个时间步做了什么",
    "fig_units": "单元 j",
    "units_bi": "单元 0–{last_fwd} 属于正向，{H}–{last} 属于反向。",
    "bar_gate": "门",
    "bar_slope": "σ′",
    "bar_tanh": "值",
    "bar_state": "状态",
    "hover_value": "值",
    "panel_i": "输入门 i",
    "panel_f": "遗忘门 f（为 1 时保留细胞状态）",
    "panel_g": "细胞输入 g",
    "panel_o": "输出门 o",
    "panel_c": "细胞状态 c",
    "panel_r": "重置门 r",
    "panel_z": "更新门 z（为 1 时保留旧状态）",
    "panel_n": "候选状态 n",
    "panel_h": "隐藏状态 h",
    "panel_dact": "σ′(h*)：每一步梯度要乘上的斜率",
    "panel_log": "{name}，以 sign·log₁₀(1 + |value|) 表示",
    "gates_text_rnn": (
        "对 RNN，梯度每一步都要乘上 W_hhᵀ 和激活函数的斜率 σ′(h*)：下方图中颜色深的区段，"
        "是单元饱和（tanh）或关闭（ReLU）的时间步，梯度在那里被切断。"
    ),
    "gates_text_lstm": (
        "遗忘门 f 保持在 1 附近的地方，细胞状态和它的梯度都原样通过；f 下降的地方，LSTM 就在"
        "遗忘，经由 c 的梯度也按 f 的比例缩小。"
    ),
    "gates_text_gru": (
        "更新门 z 保持在 1 附近的地方，GRU 照搬旧状态，h_t ≈ h_{t−1}，梯度也随之通过；z 接近 0 "
        "的地方，状态被候选状态 n 取代。"
    ),
    "how_to": (
        "```python\n"
        "# 只保存循环层（num_layers、bidirectional、batch_first 任意）：\n"
        "torch.save(model.rnn.state_dict(), 'rnn.pt')\n"
        "# 或者保存整个模型的 state_dict：会找出 rnn.* 键，其余忽略\n"
        "torch.save(model.state_dict(), 'model.pt')\n"
        "# 或者保存为 numpy 数组\n"
        "np.savez('rnn.npz', **{k: v.numpy() for k, v in model.rnn.state_dict().items()})\n"
        "```\n"
        "不要用 `torch.save(model, ...)`：整个被 pickle 的模型里含有代码，会被拒收。"
    ),
    # what the model is (rnnviz.io.upload.Model.describe, in this page's words)
    "d_model": "{what}（{extra}）",
    "d_sep": "，",
    "d_layers": "{n} 层",
    "d_layer": "1 层",
    "d_input": "输入大小 {n}",
    "d_hidden": "隐藏层大小 {n}",
    "d_bi": "双向",
    "d_nobias": "无偏置",
    # what the loader said (rnnviz.io.upload: a Note's or an RnnvizError's code, with its params).
    # In English the page shows the library's own sentence; these say the same.
    "lib_list_sep": "、",
    "lib_other": "（英文原文）{detail}",
    "lib_note_modules": "文件里有 {n} 个循环模块（{modules}）；当前显示 {shown}。",
    "lib_note_nested": "权重嵌套在文件的 {path} 之下，已从那里读取。",
    "lib_note_prefix": "已去掉键名中的前缀 {prefix}（这是一个更大模型中的循环层）。",
    "lib_note_ignored": "忽略了其他 {n} 个条目：{keys}。",
    "lib_note_cell_keys": (
        "键名没有层号（是 weight_ih 而不是 weight_ih_l0）：按 nn.RNNCell / nn.LSTMCell / "
        "nn.GRUCell 的 state_dict 读取，视为一层。"
    ),
    "lib_note_layers": "这个模型有 {n} 层；默认显示第 0 层，也可以另选。",
    "lib_note_rnn_act": (
        "state_dict 不会记录 nn.RNN 用的是 tanh 还是 relu：请在下面选择（PyTorch 默认 tanh）。"
    ),
    "lib_too_big": "文件大小为 {size} MiB，上限是 {limit}。请只上传循环层的 state_dict。",
    "lib_empty": "文件是空的。",
    "lib_zip_broken": "这个文件看起来是 zip 压缩包（.pt 或 .npz），但打不开，可能已损坏或不完整。（原始错误信息：{detail}）",
    "lib_zip_bomb": (
        "这个压缩包解压后会超过 {limit}（其中的成员经过压缩），因此在解压前就被拒收。请用 "
        "torch.save 或 np.savez 保存 state_dict，它们不做压缩。"
    ),
    "lib_torch_unreadable": "无法把这个文件当作 PyTorch 文件读取：它可能已损坏、不完整，或是别的格式。（原始错误信息：{detail}）",
    "lib_pickle_protocol": (
        "这个文件是协议 {protocol} 的 pickle（由 pickle.dump 写出，或由 torch.save 以 "
        "pickle_protocol={protocol} 写出）；这里使用的安全读取方式（torch.load 加 "
        "weights_only=True）只读协议 2 和 3，所以文件里的内容既没有被读取，也没有被执行。请用 "
        "torch.save(model.state_dict(), 'model.pt') 重新保存，它默认使用协议 2。"
    ),
    "lib_pickle_unreadable": (
        "无法把这个文件当作纯权重读取：torch.load（weights_only=True）停在了“{stopped}”。"
        "文件可能已损坏、不是 PyTorch 文件，或者 pickle 的不是张量；文件中的任何内容都没有被执行。"
        "请上传用 torch.save(model.state_dict(), 'model.pt') 保存的 state_dict。"
    ),
    "lib_whole_model": (
        "这个文件是一个被 pickle 的完整模型（{name}），而不是 state_dict：加载它就会执行文件里的"
        "代码，所以已被拒收（torch.load 在 weights_only=True 下会拦截全局对象 {name}）。请改为"
        "保存权重：torch.save(model.state_dict(), 'model.pt')。"
    ),
    "lib_code": (
        "这个文件里含有代码：反序列化（unpickle）它会调用 {name}。文件已被拒收，其中的任何内容"
        "都没有被执行（torch.load 在 weights_only=True 下会拦截全局对象 {name}）。请只上传由张量"
        "组成的 state_dict。"
    ),
    "lib_numpy_pickle": (
        "这个文件在 .pt 中 pickle 了 numpy 对象，无法安全读取（torch.load 在 weights_only=True "
        "下会拦截全局对象 {name}）。请保存 torch 张量，或者用 np.savez 把数组存成 .npz。"
    ),
    "lib_python_object": (
        "这个文件引用了 Python 对象 {name}（保存它的代码中的某个类或函数），所以已被拒收，其中的"
        "任何内容都没有被执行（torch.load 在 weights_only=True 下会拦截全局对象 {name}）。如果这是"
        "一个完整模型，请改为保存它的权重：torch.save(model.state_dict(), 'model.pt')。"
    ),
    "lib_npz_objects": (
        "这个 .npz 里有 Python 对象（object 数组），读取它必须反序列化；已被拒收，其中的任何内容"
        "都没有被执行。请保存纯数值数组。"
    ),
    "lib_npz_broken": "无法读取这个 .npz：它可能已损坏或不完整。（原始错误信息：{detail}）",
    "lib_pickle_big": (
        "文件中的 pickle（data.pkl）有 {size} MiB；一个 state_dict 的 pickle 只有几 kB（上限为 "
        "{limit}），因为数值是另外存放的。说明它除了张量还有别的 Python 数据：请只保存 "
        "model.state_dict()。"
    ),
    "lib_zip_unknown": (
        "这个文件是 zip 压缩包，但既不是 PyTorch 文件（没有 data.pkl），也不是 .npz（不全是 "
        ".npy 数组）。"
    ),
    "lib_npy_single": (
        "这是单个 .npy 数组，没有带名字的权重：请改用 np.savez('model.npz', **arrays) 保存 "
        "state_dict。"
    ),
    "lib_npz_not_zip": "这个 .npz 不是 zip 压缩包：它可能已损坏或不完整。",
    "lib_legacy_big": (
        "这个文件不是 zip 压缩包，所以它是 PyTorch 的旧格式（1.6 版之前）或普通 pickle，这类文件"
        "最多读取 {limit}（它有 {size} MiB）。请用新版的 torch.save(model.state_dict(), "
        "'model.pt') 重新保存。"
    ),
    "lib_too_many_entries": (
        "文件中的条目超过 {limit} 个（嵌套字典每出现一次都要计数）；一个 state_dict 每层只有几个。"
    ),
    "lib_list_deep": "{key} 是嵌套超过两层的列表；权重只能是矩阵或向量。",
    "lib_list_ragged": "{key} 是参差不齐的列表（各行长度不同），不是数值矩阵。",
    "lib_list_type": "{key} 是一个装着 {type} 的列表，不是数值。",
    "lib_list_long": (
        "{key} 是一个超过 {limit} 个数的 Python 列表；请保存张量：torch.save(model.state_dict(), "
        "'model.pt')。"
    ),
    "lib_complex": "{key} 里是复数（{dtype}）；循环层的权重是实数。这里没有丢掉任何东西：请保存实数权重。",
    "lib_layout": "{key} 是 {layout} 张量，无法当作普通数值读取；请保存稠密张量。",
    "lib_dtype": "{key} 不是实数数组（dtype {dtype}）。",
    "lib_expanded": (
        "{key} 的形状是 {shape}（{numel} 个数），但文件里只存了 {stored} 个：它用零步长（由 "
        ".expand() 得到的视图）重复这些数。请保存真实的权重：t.contiguous()，或训练好的模型的 "
        "model.state_dict()。"
    ),
    "lib_not_array": "{key} 是 {type}，不是实数数组。",
    "lib_tensor_unreadable": "{key} 是一个无法当作普通数值读取的张量。",
    "lib_not_real": "{key} 不是实数数组。",
    "lib_layer_digits": "键 {key} 中的层号有 {digits} 位数；这里的模型最多 {limit} 层。",
    "lib_twice": "文件中 {module} 之下出现了两次 {key}。",
    "lib_twice_top": "文件顶层出现了两次 {key}。",
    "lib_unreadable": (
        "无法读取这个文件。请上传用 torch.save(model.state_dict(), 'model.pt') 保存的 "
        "state_dict。（原始错误信息：{detail}）"
    ),
    "lib_not_dict": (
        "文件里是一个 {type}，不是 state_dict（由带名字的权重组成的字典）。请用 "
        "torch.save(model.state_dict(), 'model.pt') 保存。"
    ),
    "lib_not_dict_tensor": (
        "文件里是单个形状为 {shape} 的张量，不是 state_dict（由带名字的权重组成的字典）。请用 "
        "torch.save(model.state_dict(), 'model.pt') 保存。"
    ),
    "lib_no_arrays": "文件里根本没有数组，所以它不是 nn.RNN、nn.LSTM 或 nn.GRU 的 state_dict。",
    "lib_not_recurrent": (
        "这不是 nn.RNN、nn.LSTM 或 nn.GRU 的 state_dict：它没有 weight_ih_l0 / weight_hh_l0 键。"
        "它里面是 {arrays}，看起来像是别的层（Linear 层？）的权重。"
    ),
    "lib_not_recurrent_conv": (
        "这不是 nn.RNN、nn.LSTM 或 nn.GRU 的 state_dict：它没有 weight_ih_l0 / weight_hh_l0 键。"
        "它里面是 {arrays}，看起来像是卷积层的权重。"
    ),
    "lib_no_module": "文件中没有循环模块 {module}；只有 {modules}。",
    "lib_mixed_keys": "文件在同一个模块里混用了带层号和不带层号的键（weight_ih 与 weight_ih_l0）。",
    "lib_changed_shape": "{key} 在读取时改变了形状：{before} → {after}。",
    "lib_not_finite": "{key} 中含有 NaN 或无穷大。",
    "lib_projection": "这个 LSTM 带有投影（proj_size > 0，weight_hr_l0），rnnviz 不支持。",
    "lib_layer_numbers": "层号不是按 0, 1, … 连续编号的：文件中的层是 {layers}。",
    "lib_too_many_layers": "这个模型有 {n} 层；上限是 {limit} 层。",
    "lib_incomplete": "循环层的权重不完整：weight_ih_l0 和 weight_hh_l0 都必须有。",
    "lib_hh_shape": (
        "weight_hh_l0 的形状是 {shape}，不符合 (G·H, H)，其中 G = 1（RNN）、3（GRU）或 4（LSTM）。"
    ),
    "lib_hh_blocks": (
        "weight_hh_l0 的形状是 {shape}：{G} 个块，每块 {H} 个单元；但 RNN 有 1 个块，GRU 有 3 个，"
        "LSTM 有 4 个。"
    ),
    "lib_hidden_big": "隐藏层大小为 {H}；rnnviz 最多处理 {limit} 个单元。",
    "lib_missing": "权重不完整：缺少 {keys}。",
    "lib_missing_layer": "权重不完整：缺少 {keys}（第 {layer} 层需要第 0 层有的那些权重）。",
    "lib_hh_other": (
        "{key} 的形状是 {shape}，但 weight_hh_l0 {first} 表示 {G} 个门块、每块 {H} 个单元，"
        "所以它应当是 ({rows}, {H})。"
    ),
    "lib_ih_rows": (
        "{key} 的形状是 {shape}，但 weight_hh_l0 {first} 表示 {G} 个门块、每块 {H} 个单元，"
        "所以它需要 {rows} 行。"
    ),
    "lib_directions_input": "{key} 有 {cols} 列，而 weight_ih_l0 有 {input} 列：两个方向的输入大小不一致。",
    "lib_input_size": "输入大小为 {n}（weight_ih_l0 有 {n} 列）；rnnviz 处理 1 到 {limit}。",
    "lib_ih_cols": (
        "{key} 的形状是 {shape}：第 {layer} 层读取第 {below} 层的 {n} 个输出，所以它需要 {n} 列。"
    ),
    "lib_bias_shape": "{key} 的形状是 {shape}；应当是 ({rows},)。",
    "lib_extra": "{keys}：这些键与第 0 层的方向数和偏置对不上。",
    "lib_model_params": (
        "这个 {kind} 有 {params} 个参数、{layers} 层，每层 {width} 个单元：太大了，这里读不了。"
        "本页读取的模型最多 {max_params} 个参数（按 float64 计为 {max_mib}），所有层的隐藏单元合计"
        "最多 {max_units} 个：这足以看到梯度消失或梯度爆炸，也是一台服务器能为一个班级容纳和绘制的"
        "规模。请上传更小的模型，或只上传其中几层。"
    ),
    "lib_model_units": (
        "这个 {kind} 有 {params} 个参数、{layers} 层，每层 {width} 个单元，合计 {units} 个：太多了，"
        "这里画不了。本页读取的模型最多 {max_params} 个参数（按 float64 计为 {max_mib}），所有层的"
        "隐藏单元合计最多 {max_units} 个：这足以看到梯度消失或梯度爆炸，也是一台服务器能为一个班级"
        "容纳和绘制的规模。请上传更小的模型，或只上传其中几层。"
    ),
    "lib_cost": (
        "在 {steps} 步上画出这个模型的第 {layer} 层需要 {cost} 个单位的计算量（乘加次数，每层每步"
        "另加 {overhead}），超过了一次视图允许的 {budget}（约 2 s 服务器 CPU 时间），所以没有画。"
        "这一层最多用 {max} 步。"
    ),
    "lib_cost_layers": (
        "在 {steps} 步上画出这个模型的第 {layer} 层需要 {cost} 个单位的计算量（要运行第 "
        "0–{layer} 层；乘加次数，每层每步另加 {overhead}），超过了一次视图允许的 {budget}（约 2 s "
        "服务器 CPU 时间），所以没有画。这一层最多用 {max} 步。"
    ),
    "lib_overflow": "前向计算在第 {step} 步溢出：状态不再是有限值（超过了 1e308）。",
    "lib_entry_empty": "第 {i} 项是空的（是不是连着写了两个分隔符？）。",
    "lib_entry_empty_line": "第 {line} 行的第 {i} 项是空的（是不是连着写了两个分隔符？）。",
    "lib_entry_nan": "第 {i} 项 {token} 不是数字（请写成 0.5、-2 或 1e-3 这样的形式）。",
    "lib_entry_nan_line": "第 {line} 行的第 {i} 项 {token} 不是数字（请写成 0.5、-2 或 1e-3 这样的形式）。",
    "lib_entry_range": "第 {i} 项 {token} 超出了 −1e6 … 1e6 的范围。",
    "lib_entry_range_line": "第 {line} 行的第 {i} 项 {token} 超出了 −1e6 … 1e6 的范围。",
    "lib_text_long": "粘贴的文本有 {n} 个字符；上限是 {limit}。",
    "lib_paste_empty": "请至少粘贴一个数。",
    "lib_seq_long": "这个序列有 {n} 步；上限是 {limit}。",
    "lib_line_count": "第 {line} 行有 {n} 个数；这个模型每步读取 {size} 个（每行一个时间步）。",
    # 选择框里显示的选项名（链接里仍用英文键）
    "opt_input_random": "随机噪声",
    "opt_input_constant": "常数",
    "opt_input_pasted": "粘贴的数据",
}
TEXT = i18n.pick(TEXT, TEXT_ZH)

CONTROLS = [
    ui.Control("input", TEXT["input"], "select", "random",
               options={k: TEXT[f"input_{k}"] for k in upload.INPUT_KINDS}),
    ui.Control("T", TEXT["T"], "int", 200, min=2, max=2000),
    ui.Control("scale", TEXT["scale"], "float", 1.0, min=0.0, max=5.0, step=0.1),
    ui.Control("thr", TEXT["thr"], "log", 1e-3, min=-12, max=-1),
    ui.Control("seed", TEXT["seed"], "seed", 0),
]
_BASE = {"input": "random", "T": 200, "scale": 1.0, "thr": 1e-3, "seed": 0}  # the defaults
PRESETS = {  # every preset sets every control, so its view does not depend on what came before
    "noise": {**_BASE},
    "constant": {**_BASE, "input": "constant"},
    "long": {**_BASE, "T": 2000},
    "pasted": {**_BASE, "input": "pasted"},
}


def inactive(v: dict) -> set:
    """Controls with no effect: a pasted sequence brings its own length and numbers, and a
    constant input draws no random numbers."""
    if v["input"] == "pasted":
        return {"T", "scale", "seed"}
    return {"seed"} if v["input"] == "constant" else set()
EXAMPLE_KEY = "example:0"


# ----------------------------------------------------------------- cached computations
@st.cache_data(max_entries=1, show_spinner=False)
def example_bytes() -> bytes:
    return upload.example_model_bytes(0)


@st.cache_resource(show_spinner=False)
def model_cache() -> upload.ModelCache:
    """One cache of read models for every session, bounded by the bytes of their arrays
    (upload.MAX_CACHE_BYTES), not by their number: one model at the size limit holds 30.5 MiB."""
    return upload.ModelCache(upload.MAX_CACHE_BYTES)


def read_model(key: str, name: str, data: bytes, module: str | None):
    """(Model, None) or (None, message). Keyed by the upload's id, not by its bytes (hashing
    50 MiB on every rerun would be slow); kept as objects, so no array is copied per rerun."""
    def read():
        try:
            return upload.load_model(name, data, module=module), None
        except RnnvizError as exc:  # said in each session's language; a fresh error keeps no
            # traceback, whose frames would hold the upload's bytes in the shared cache
            return None, RnnvizError(str(exc), code=exc.code, params=exc.params)
    return model_cache().get((key, module), read)


@st.cache_data(max_entries=32, show_spinner=False)
def model_view(key: str, module: str, layer: int, act: str, input_kind: str, T: int,
               scale: float, seed: int, text: str, _model) -> lc.ModelView:
    """The chosen layer's gradient flow and gate maps on the chosen input (rnnviz)."""
    x = upload.choose_input(input_kind, _model.input_size, T=T, scale=scale, seed=seed, text=text)
    _model.check_cost(layer, x.shape[0])  # before any step is run: a big model on a long input
    return lc.inspect_layer(_model, x, layer=layer, activation=act, seed=seed)


def use_example() -> None:
    st.session_state["_ym.use_example"] = True
    st.session_state["_ym.nonce"] = st.session_state.get("_ym.nonce", 0) + 1


def load_source():
    """(key, display name, file name, bytes) of the model to show, or None."""
    nonce = st.session_state.get("_ym.nonce", 0)  # a new uploader (empty) after "example"
    file = st.file_uploader(TEXT["uploader"].format(mib=upload.MAX_MB), type=["pt", "pth", "npz"],
                            key=f"_ym.file.{nonce}", max_upload_size=upload.MAX_MB,
                            help=TEXT["uploader_help"].format(mib=upload.MAX_MB, params=upload.MAX_PARAMS))
    st.button(TEXT["example"], key="_ym.example", icon=":material/model_training:",
              on_click=use_example)
    st.caption(TEXT["example_help"])
    with st.expander(TEXT["how_to_save"]):
        st.markdown(TEXT["how_to"])
    if file is not None:
        return f"upload:{file.file_id}:{file.size}", ui.escape_md(file.name, 80), file.name, file.getvalue()
    if st.session_state.get("_ym.use_example"):
        return EXAMPLE_KEY, TEXT["example_name"], "example.pt", example_bytes()
    return None


def said(what) -> str:
    """A sentence of rnnviz.io.upload (an RnnvizError or a Note of what it read) in this page's
    language: in English the library's own sentence, else TEXT's "lib_<code>" with its params
    (a list param joined, "" in it naming the top level)."""
    key = f"lib_{getattr(what, 'code', '')}"
    if i18n.lang() == "en":
        return str(what)
    if key not in TEXT:
        return TEXT["lib_other"].format(detail=str(what))
    params = {k: TEXT["lib_list_sep"].join(n or TEXT["module_top"] for n in v)
              if isinstance(v, tuple) else v for k, v in what.params.items()}
    return TEXT[key].format(**params)


def describe(model: upload.Model) -> str:
    """Model.describe() in this page's words: 'nn.LSTM (2 layers, input size 3, hidden size 32)'."""
    extra = [TEXT["d_layers"].format(n=model.layers) if model.layers > 1 else TEXT["d_layer"],
             TEXT["d_input"].format(n=model.input_size), TEXT["d_hidden"].format(n=model.hidden_size)]
    if model.bidirectional:
        extra.append(TEXT["d_bi"])
    if not model.bias:
        extra.append(TEXT["d_nobias"])
    return TEXT["d_model"].format(what=upload.MODULE_NAMES[model.kind], extra=TEXT["d_sep"].join(extra))


def theta_text(log_thr: float) -> str:
    return f"1e{round(log_thr)}"  # the options are whole decades


def span_text(n: int, T: int) -> str:
    return TEXT["m_span_all"].format(n=n) if n == T - 1 else str(n)


# ------------------------------------------------------------------------------ page
st.title(TEXT["title"])
st.markdown(TEXT["intro"])
s = ui.controls("your_model", CONTROLS, presets=PRESETS, text=TEXT, inactive=inactive)
log_thr = float(np.log10(s.thr))

st.header(TEXT["h_model"])
source = load_source()
if source is None:
    st.info(TEXT["empty"])
    st.stop()
key, shown_name, file_name, data = source
model, problem = read_model(key, file_name, data, None)
if model is not None and len(model.modules) > 1:
    module = st.selectbox(TEXT["module"], model.modules, key=f"_ym.module.{key}",
                          format_func=lambda m: upload.clip_name(m.rstrip(".")) or TEXT["module_top"])
    if module != model.prefix:
        model, problem = read_model(key, file_name, data, module)
if model is None:
    ui.show_error(ValueError(said(problem)))
    st.stop()

st.markdown(TEXT["showing"].format(name=shown_name, what=describe(model)))  # our words and numbers
for note in model.notes:
    st.caption(ui.escape_md(said(note), 400))
layer, act = 0, "tanh"
slots = iter(st.columns(2))
if model.layers > 1:
    layer = next(slots).selectbox(TEXT["layer"], list(range(model.layers)), key=f"_ym.layer.{key}",
                                  format_func=lambda k: TEXT["layer_fmt"].format(k=k))
if model.kind == "rnn":
    act = next(slots).radio(TEXT["act"], ["tanh", "relu"], horizontal=True, key=f"_ym.act.{key}")

cols = st.columns(3)
cols[0].metric(TEXT["m_params"], f"{model.n_params:,}")
cols[1].metric(TEXT["m_layer"], TEXT["m_layer_of"].format(k=layer, last=model.layers - 1)
               if model.layers > 1 else TEXT["m_layer_only"])
cell_in = model.input_size if layer == 0 else model.hidden_size * (2 if model.bidirectional else 1)
cols[2].metric(TEXT["m_sizes"], f"{cell_in} → {model.hidden_size}")

st.header(TEXT["h_input"])
text = ""
if s.input == "pasted":
    I0 = model.input_size
    label = TEXT["paste"] if I0 == 1 else TEXT["paste_rows"].format(I=I0)
    text = st.text_area(label, upload.sample_text(I0), key=f"_ym.seq.{I0}", help=TEXT["paste_help"],
                        height=120)
teacher.snippet_extra("your_model", {  # the notebook snippet loads the same model and layer
    "file": None if key == EXAMPLE_KEY else file_name, "module": model.prefix, "layer": layer,
    "act": act, "text": text})
with ui.guard():
    try:
        view = model_view(key, model.prefix, layer, act, s.input, s.T, s.scale, s.seed, text, model)
    except RnnvizError as exc:  # a pasted sequence it cannot read, a view over the CPU budget
        raise ValueError(said(exc)) from None
st.caption(TEXT["input_caption"].format(T=view.steps_in, I=model.input_size))
if layer > 0:
    st.caption(TEXT["input_below"].format(layer=layer, below=layer - 1))
if view.overflow_step is not None:
    st.warning(TEXT["overflow"].format(step=view.overflow_step, last=view.T - 1))

st.header(TEXT["h_flow"])
flow, T, bi = view.flow, view.T, model.bidirectional
if bi:
    c1, c2 = st.columns(2)
    c1.metric(TEXT["m_span_fwd"], span_text(flow.span(0, log_thr), T))
    c2.metric(TEXT["m_span_rev"], span_text(flow.span(1, log_thr), T))
else:
    st.metric(TEXT["m_span"], span_text(flow.span(0, log_thr), T))
colors = (figs.CELL_COLORS["rnn"], figs.CELL_COLORS["lstm"])  # h: forward, reverse
colors_c = (figs.COLORWAY[5], figs.COLORWAY[4])  # c: sky blue, orange
curves = []
for d in range(flow.log10_h.shape[0]):
    name = TEXT["curve_h"] if not bi else TEXT["curve_fwd" if d == 0 else "curve_rev"]
    l_h = flow.log10_h[d]
    k = lc.first_below(l_h if d == 0 else l_h[::-1], log_thr)
    curves.append({"name": name, "y": l_h, "color": colors[d],
                   "below": None if k is None else (k if d == 0 else T - 1 - k)})
    if flow.log10_c is not None:
        name_c = TEXT["curve_c"] if not bi else TEXT["curve_c_fwd" if d == 0 else "curve_c_rev"]
        curves.append({"name": name_c, "y": flow.log10_c[d], "color": colors_c[d], "dash": "dash"})
ui.plot(figs.norm_curves_figure(curves, threshold=log_thr, labels={
    "title": TEXT["fig_flow_title"], "x": TEXT["fig_x"], "y": TEXT["fig_y"],
    "threshold": TEXT["fig_thr"].format(theta=theta_text(log_thr)), "below": TEXT["fig_below"],
    "hover_y": TEXT["fig_hover_y"],
}), key="fig_flow")
ui.equation(r"C = v^\top h_n,\qquad \lVert v \rVert = 1,\qquad "
            r"\frac{\partial C}{\partial h_{k}} = \frac{\partial C}{\partial h_{k+1}}\,"
            r"\frac{\partial h_{k+1}}{\partial h_{k}}")
st.markdown(TEXT["flow_text"])

st.header(TEXT["h_gates"])
panels = []
for name, z, kind in view.panels:
    label = TEXT[f"panel_{name}"]
    if kind == "state_log":
        label, kind = TEXT["panel_log"].format(name=label), "state"
    panels.append((label, z, kind))
ui.plot(gate_figs.gate_heatmaps(view.steps, view.units, panels, labels={
    "title": TEXT["fig_gates_title"], "x": TEXT["fig_x"], "y": TEXT["fig_units"],
    "bar_gate": TEXT["bar_slope" if model.kind == "rnn" else "bar_gate"],
    "bar_tanh": TEXT["bar_tanh"], "bar_state": TEXT["bar_state"], "value": TEXT["hover_value"],
}), key="fig_gates")
if bi:
    H = model.hidden_size
    st.caption(TEXT["units_bi"].format(last_fwd=H - 1, H=H, last=2 * H - 1))
EQUATIONS = {
    "rnn": r"h_*^t = W_{hx} x^t + W_{hh} h^{t-1} + b,\qquad h^t = \sigma\bigl(h_*^t\bigr),\qquad "
           r"\delta^{k-1} = \bigl(W_{hh}^\top \delta^k\bigr) \odot \sigma'\bigl(h_*^{k-1}\bigr)",
    "lstm": r"c^t = f^t \odot c^{t-1} + i^t \odot g^t,\qquad h^t = o^t \odot \tanh\bigl(c^t\bigr),"
            r"\qquad \delta_c^{k-1} = \delta_c^k \odot \bigl(f^k + \ldots\bigr)",
    "gru": r"n^t = \tanh\bigl(W_{nx} x^t + b_{nx} + r^t \odot (W_{nh} h^{t-1} + b_{nh})\bigr),\qquad "
           r"h^t = \bigl(1 - z^t\bigr) \odot n^t + z^t \odot h^{t-1}",
}
ui.equation(EQUATIONS[model.kind])
st.markdown(TEXT[f"gates_text_{model.kind}"])
