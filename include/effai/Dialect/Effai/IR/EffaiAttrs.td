//===- EffaiAttrs.td - weight encoding attributes ----------*- tablegen -*-===//
//
// A weight encoding is a value format × a sparsity format. Each format is its
// own attribute implementing one of the two format interfaces, so new formats
// plug in without touching the ops that consume weights.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_DIALECT_EFFAI_IR_EFFAIATTRS_TD
#define EFFAI_DIALECT_EFFAI_IR_EFFAIATTRS_TD

include "effai/Dialect/Effai/IR/EffaiDialect.td"
include "effai/Dialect/Effai/IR/EffaiInterfaces.td"
include "effai/Dialect/Effai/IR/EffaiParameters.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"

class Effai_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Effai_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

//===----------------------------------------------------------------------===//
// Value formats
//===----------------------------------------------------------------------===//

def Effai_FloatFormatAttr : Effai_Attr<"FloatFormat", "float",
    [DeclareAttrInterfaceMethods<Effai_ValueFormatAttrInterface,
         ["hasIntegerStorage"]>]> {
  let summary = "Uncompressed floating-point weight values";
  let description = [{
    Each kept weight is stored as-is in the weight's logical element type.

    ```mlir
    #effai.encoding<value = #effai.float>
    ```
  }];
}

def Effai_AffineFormatAttr : Effai_Attr<"AffineFormat", "affine",
    [DeclareAttrInterfaceMethods<Effai_ValueFormatAttrInterface>]> {
  let summary = "Affine-quantized integer weight values (!quant.uniform)";
  let description = [{
    Each kept weight is an integer code `q` of 2–8 bits with
    `w = scale * (q - zero_point)`. The parameters are an upstream
    `!quant.uniform` type: per-tensor, or per-axis along dimension 0 (one
    scale and zero point per output channel). Signedness and storage range
    come from the quant type.

    ```mlir
    #effai.affine<!quant.uniform<i8:f32, 0.05>>
    #effai.affine<!quant.uniform<u4:f32:0, {0.1:8, 0.2:7}>>
    ```
  }];
  let parameters = (ins "::mlir::quant::QuantizedType":$quantType);
  let assemblyFormat = "`<` $quantType `>`";
  let genVerifyDecl = 1;
}

def Effai_Pow2FormatAttr : Effai_Attr<"Pow2Format", "pow2",
    [DeclareAttrInterfaceMethods<Effai_ValueFormatAttrInterface,
         ["getTermsPerValue", "isMultiplicationFree"]>]> {
  let summary = "Power-of-two weights: a sum of 1 or 2 terms ±2^p";
  let description = [{
    Each kept weight is `scale * sum_t s_t * 2^(p_t)` with `terms` terms
    (1 or 2), signs `s_t` in {-1, +1} and exponents `p_t` in
    `[min_exp, max_exp]`, so multiplying by it is shifts and adds. Each term
    is stored as a signed code of `bits` bits: 0 means "no term", and
    `±k` (k ≥ 1) means `±2^(min_exp + k - 1)`; the `values` payload is `i8`,
    with a trailing dimension of size 2 when `terms = 2`. The bit budget bounds the
    exponent range: `max_exp - min_exp + 1 <= 2^(bits-1) - 1`. Optional
    `scales` (one per tensor, or one per output channel) restore range.

    ```mlir
    #effai.pow2<terms = 2, bits = 4, min_exp = -7, max_exp = -1>
    #effai.pow2<terms = 1, bits = 5, min_exp = -14, max_exp = 0,
                scales = [0.5, 0.25]>
    ```
  }];
  let parameters = (ins "unsigned":$terms, "unsigned":$bits,
                        "int64_t":$minExp, "int64_t":$maxExp,
                        Effai_OptionalExactF64ArrayParameter:$scales);
  let assemblyFormat = [{
    `<` `terms` `=` $terms `,` `bits` `=` $bits `,` `min_exp` `=` $minExp `,`
    `max_exp` `=` $maxExp (`,` `scales` `=` $scales^)? `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Scale applied to output channel `channel` (1.0 without scales).
    double getScaleForChannel(int64_t channel) const;
    /// Largest term code magnitude (number of exponent levels).
    int64_t getMaxCode() const { return getMaxExp() - getMinExp() + 1; }
  }];
}

def Effai_FocusedFormatAttr : Effai_Attr<"FocusedFormat", "focused",
    [DeclareAttrInterfaceMethods<Effai_ValueFormatAttrInterface,
         ["hasIntegerStorage"]>]> {
  let summary = "Recentred power-of-two weights (focused quantization)";
  let description = [{
    The kept weights of a pruned layer cluster around two modes, `-c` and
    `+c`, away from zero; focused quantization (Zhao et al., ICLR 2019)
    stores each weight as its mode plus a power-of-two offset from it:
    `w = m * c + s * r`, `m` in {-1, +1}, `r` in {0, ±2^p} with `p` in
    `[min_exp, max_exp]`, so the levels sit where the weights are. A layer
    computes `c * (sum of inputs in the + mode - those in the - mode)`
    (one multiply per output) plus shifts and adds.

    Each weight is one signed code of `bits` bits: 0 is a zero weight (a
    filler of a sparse payload), otherwise the sign is `m` and `|code| - 1
    - L` (`L = max_exp - min_exp + 1`) is the offset's level: 0 for none,
    `±k` for `±2^(min_exp + k - 1)`. `2 L + 1 <= 2^(bits-1) - 1`. `centres`
    and `scales` hold one `c` and one `s` per output channel (or one for
    the tensor). The `values` payload is `i8`.

    ```mlir
    #effai.focused<bits = 4, min_exp = -2, max_exp = 0,
                   centres = [0.5, 0.25], scales = [0.125, 0.0625]>
    ```
  }];
  let parameters = (ins "unsigned":$bits, "int64_t":$minExp,
                        "int64_t":$maxExp,
                        Effai_ExactF64ArrayParameter:$centres,
                        Effai_ExactF64ArrayParameter:$scales);
  let assemblyFormat = [{
    `<` `bits` `=` $bits `,` `min_exp` `=` $minExp `,` `max_exp` `=` $maxExp
    `,` `centres` `=` $centres `,` `scales` `=` $scales `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Offset levels L (exponents in the window).
    int64_t getLevels() const { return getMaxExp() - getMinExp() + 1; }
    /// The mode centre and offset scale of output channel `channel`.
    double getCentreForChannel(int64_t channel) const;
    double getScaleForChannel(int64_t channel) const;
    /// The weight `code` stands for in output channel `channel`.
    double decode(int64_t code, int64_t channel) const;
  }];
}

//===----------------------------------------------------------------------===//
// Sparsity formats
//===----------------------------------------------------------------------===//

def Effai_DenseSparsityAttr : Effai_Attr<"DenseSparsity", "dense",
    [DeclareAttrInterfaceMethods<Effai_SparsityFormatAttrInterface>]> {
  let summary = "Every weight is kept; positions are implicit";
  let description = [{
    `values` has the weight's logical shape.
  }];
}

def Effai_NMSparsityAttr : Effai_Attr<"NMSparsity", "nm",
    [DeclareAttrInterfaceMethods<Effai_SparsityFormatAttrInterface,
         ["getIndicesType"]>]> {
  let summary = "N:M structured sparsity along the reduction dimension";
  let description = [{
    In every group of `M` consecutive weights along the flattened reduction
    dimension `R`, at most `N` are non-zero (e.g. 2:4, as sparse tensor cores
    use). `values` is `[O, R*N/M]`; `indices` holds each kept weight's
    position inside its group, in `[0, M)`, as `ceil(log2 M)`-bit fields
    packed into bytes (least significant bit first, in `values` order):
    `tensor<ceil(O*R*N/M * bits / 8) x i8>`, 2 bits per kept weight for 2:4.

    ```mlir
    #effai.nm<2:4>
    ```
  }];
  let parameters = (ins "int64_t":$n, "int64_t":$m);
  // Custom so that it prints as the familiar `2:4`.
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
}

def Effai_BlockSparsityAttr : Effai_Attr<"BlockSparsity", "block",
    [DeclareAttrInterfaceMethods<Effai_SparsityFormatAttrInterface,
         ["getIndicesType"]>]> {
  let summary = "Block sparsity over the [O, R] view";
  let description = [{
    The `[O, R]` view is tiled by `[bo, br]` blocks; `blocks` of them are
    kept. `values` is `[blocks, bo, br]`; `indices` (`i32`, `[blocks, 2]`)
    holds each kept block's (block-row, block-column) coordinate.

    ```mlir
    #effai.block<[4, 8], blocks = 12>
    ```
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$blockShape,
                        "int64_t":$blocks);
  let assemblyFormat = "`<` `[` $blockShape `]` `,` `blocks` `=` $blocks `>`";
  let genVerifyDecl = 1;
}

def Effai_ChannelSparsityAttr : Effai_Attr<"ChannelSparsity", "channel",
    [DeclareAttrInterfaceMethods<Effai_SparsityFormatAttrInterface,
         ["getIndicesType"]>]> {
  let summary = "Channel pruning: only `kept` output channels are stored";
  let description = [{
    Whole output channels are pruned; the result still has `O` channels,
    the pruned ones producing only the bias. `values` is `[kept, ...]` (the
    kept channels' weights); `indices` (`i32`, `[kept]`) lists which output
    channel each one is. (To shrink the model itself, `effai-prune` removes
    the channels and rewrites consumers instead.)

    ```mlir
    #effai.channel<kept = 24>
    ```
  }];
  let parameters = (ins "int64_t":$kept);
  let assemblyFormat = "`<` `kept` `=` $kept `>`";
  let genVerifyDecl = 1;
}

def Effai_UnstructuredSparsityAttr : Effai_Attr<"UnstructuredSparsity",
    "unstructured",
    [DeclareAttrInterfaceMethods<Effai_SparsityFormatAttrInterface,
         ["getIndicesType"]>]> {
  let summary = "Unstructured sparsity: `nnz` weights kept anywhere";
  let description = [{
    `values` is `[nnz]`; `indices` (`i32`, `[nnz, 2]`) holds each kept
    weight's (row, column) in the `[O, R]` view, in row-major order. Eight
    bytes of position per weight: readable, but larger than the weights
    it saves; `#effai.delta` and `#effai.bitmap` store the same compactly.

    ```mlir
    #effai.unstructured<nnz = 100>
    ```
  }];
  let parameters = (ins "int64_t":$nnz);
  let assemblyFormat = "`<` `nnz` `=` $nnz `>`";
  let genVerifyDecl = 1;
}

def Effai_DeltaSparsityAttr : Effai_Attr<"DeltaSparsity", "delta",
    [DeclareAttrInterfaceMethods<Effai_SparsityFormatAttrInterface,
         ["getIndicesType"]>]> {
  let summary = "Unstructured sparsity with narrow relative indices";
  let description = [{
    `nnz` stored weights at increasing row-major positions `p_k` of the
    `[O, R]` view, each given by its distance to the previous one:
    `p_0 = d_0`, `p_k = p_(k-1) + d_k` (`d_k >= 1`), with `d_k` a `bits`-bit
    field (1-16). Where two kept weights are more than `2^bits - 1` apart,
    filler entries storing 0 bridge the gap (Deep Compression's relative
    indexing), so `nnz` counts them too. Rows need no offsets: a position's
    row is `p / R`. `values` is `[nnz]`; `indices` is the deltas packed into
    bytes, least significant bit first: `tensor<ceil(nnz * bits / 8) x i8>`.
    `effai-prune` picks `bits` for the smallest payload.

    ```mlir
    #effai.delta<nnz = 100, bits = 4>
    ```
  }];
  let parameters = (ins "int64_t":$nnz, "unsigned":$bits);
  let assemblyFormat = "`<` `nnz` `=` $nnz `,` `bits` `=` $bits `>`";
  let genVerifyDecl = 1;
}

def Effai_BitmapSparsityAttr : Effai_Attr<"BitmapSparsity", "bitmap",
    [DeclareAttrInterfaceMethods<Effai_SparsityFormatAttrInterface,
         ["getIndicesType"]>]> {
  let summary = "Unstructured sparsity as one bit per weight";
  let description = [{
    Bit `r * R + c` of `indices` (bytes, least significant bit first:
    `tensor<ceil(O * R / 8) x i8>`) says whether the weight at `(r, c)` of
    the `[O, R]` view is stored; `nnz` bits are set, and `values` (`[nnz]`)
    holds those weights in row-major order. One bit per weight: smaller
    than relative indices when more than about a fifth of the weights is
    kept.

    ```mlir
    #effai.bitmap<nnz = 100>
    ```
  }];
  let parameters = (ins "int64_t":$nnz);
  let assemblyFormat = "`<` `nnz` `=` $nnz `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// Encoding = value format × sparsity format
//===----------------------------------------------------------------------===//

def Effai_EncodingAttr : Effai_Attr<"Encoding", "encoding"> {
  let summary = "Weight encoding: a value format and a sparsity format";
  let description = [{
    Compression composes: any value format goes with any sparsity format
    (pruned + int8, pruned + power-of-two for focused quantization, ...).
    `sparsity` defaults to `#effai.dense` and is then not printed.

    ```mlir
    #effai.encoding<value = #effai.pow2<terms = 1, bits = 4, min_exp = -6,
                                        max_exp = 0>,
                    sparsity = #effai.nm<2:4>>
    ```
  }];
  let parameters = (ins
    "::mlir::effai::ValueFormatAttrInterface":$value,
    DefaultValuedParameter<"::mlir::effai::SparsityFormatAttrInterface",
        "::mlir::effai::DenseSparsityAttr::get($_ctxt)">:$sparsity);
  let assemblyFormat = "`<` struct(params) `>`";
  let builders = [
    AttrBuilder<(ins "::mlir::effai::ValueFormatAttrInterface":$value), [{
      return $_get($_ctxt, value, ::mlir::effai::DenseSparsityAttr::get($_ctxt));
    }]>,
  ];
}

include "effai/Dialect/Effai/IR/EffaiTargetAttrs.td"

#endif // EFFAI_DIALECT_EFFAI_IR_EFFAIATTRS_TD
