// effai_rtl.v - the PE library of effai's emitted Verilog.
//
// Part of every design `effai-translate --emit-verilog` writes. Streams are
// valid/ready: a beat moves when both are high at a clock edge. Each PE
// follows the cycle model of effai's estimator: one input beat (a padded
// pixel) per cycle, then one MAC step (pe x simd products) per cycle; a
// full output register stalls the PE only when the next result is due. Weights, input indices,
// biases and requantization constants come from ROMs initialised with
// $readmemh (files the emitter writes next to the design).
//
// Vendor-neutral Verilog-2005: yosys (synth_xilinx, synth_ice40), Verilator
// and iverilog read it.

`default_nettype none

// A memory of DEPTH words of WIDTH bits: a write port, and a read port
// whose data comes the cycle after its address (as block RAMs read; `re`
// holds it), initialised from the $readmemh file INIT unless INIT is "";
// ROM: never written, so that a logic-style ROM is LUTs, not registers
// (where the module is synthesized, its write enable, a port, is not known
// to be 0); LUTRAM and block RAM ROMs keep the port: RAM primitives then,
// as the estimator counts them.
// STYLE says where synthesis puts it, as effai's estimator counts it
// (getBufferStorage, a fold's weight storage): 0 logic (registers, or LUTs
// for a ROM), 1 LUTRAM, 2 block RAM; each style is a generate branch of
// its own because a Verilog attribute cannot take a parameter.
module effai_ram #(
  parameter WIDTH = 8,
  parameter DEPTH = 2,
  parameter STYLE = 0,
  parameter INIT = "",
  parameter ROM = 0
) (
  input  wire             clk,
  input  wire             we,
  input  wire [31:0]      waddr,
  input  wire [WIDTH-1:0] wdata,
  input  wire             re,
  input  wire [31:0]      raddr,
  output reg  [WIDTH-1:0] rdata
);
`ifdef VERILATOR
  // The simulation artifact names the directory of its ROM files.
  string dir;
  initial
    if (!$value$plusargs("effai_mem=%s", dir))
      dir = ".";
`define EFFAI_INIT_FILE {dir, "/", INIT}
`else
`define EFFAI_INIT_FILE INIT
`endif
`define EFFAI_MEMORY_BODY \
    if (INIT != "") begin : init \
      initial $readmemh(`EFFAI_INIT_FILE, mem); \
    end \
    always @(posedge clk) begin \
      if (we && !ROM) \
        mem[waddr] <= wdata; \
      if (re) \
        rdata <= mem[raddr]; \
    end
  generate
    if (STYLE == 2) begin : block
      (* ram_style = "block", rom_style = "block" *)
      reg [WIDTH-1:0] mem [0:DEPTH-1];
      `EFFAI_MEMORY_BODY
    end else if (STYLE == 1) begin : lutram
      (* ram_style = "distributed", rom_style = "distributed" *)
      reg [WIDTH-1:0] mem [0:DEPTH-1];
      `EFFAI_MEMORY_BODY
    end else begin : flops
      (* ram_style = "logic", rom_style = "logic" *)
      reg [WIDTH-1:0] mem [0:DEPTH-1];
      `EFFAI_MEMORY_BODY
    end
  endgenerate
`undef EFFAI_MEMORY_BODY
`undef EFFAI_INIT_FILE
endmodule

// A FIFO of DEPTH beats, WIDTH bits each, in STYLE's memory (effai_ram's
// styles). Logic and LUTRAM FIFOs read asynchronously; a block RAM FIFO
// reads its memory into an output register (a beat more room, a cycle
// more latency).
module effai_fifo #(
  parameter WIDTH = 8,
  parameter DEPTH = 2,
  parameter STYLE = 0
) (
  input  wire             clk,
  input  wire             rst,
  input  wire [WIDTH-1:0] in_data,
  input  wire             in_valid,
  output wire             in_ready,
  output wire [WIDTH-1:0] out_data,
  output wire             out_valid,
  input  wire             out_ready
);
  localparam AW = DEPTH > 1 ? $clog2(DEPTH) : 1;
  reg [AW-1:0] head, tail;
  reg [AW:0] count;
  wire push = in_valid && in_ready;
  assign in_ready = count < DEPTH;
  // The memory gives up a beat (to the reader, or to the output register).
  wire take;
  always @(posedge clk) begin
    if (rst) begin
      head <= 0;
      tail <= 0;
      count <= 0;
    end else begin
      if (push)
        tail <= tail == DEPTH - 1 ? 0 : tail + 1;
      if (take)
        head <= head == DEPTH - 1 ? 0 : head + 1;
      count <= count + (push ? 1 : 0) - (take ? 1 : 0);
    end
  end
  generate
    if (STYLE == 2) begin : block
      reg held;
      assign take = count != 0 && (!held || out_ready);
      assign out_valid = held;
      effai_ram #(.WIDTH(WIDTH), .DEPTH(DEPTH), .STYLE(2))
        ram (.clk(clk), .we(push), .waddr({{(32-AW){1'b0}}, tail}),
             .wdata(in_data), .re(take), .raddr({{(32-AW){1'b0}}, head}),
             .rdata(out_data));
      always @(posedge clk)
        if (rst)
          held <= 0;
        else if (take)
          held <= 1;
        else if (out_ready)
          held <= 0;
    end else begin : async
      assign take = out_valid && out_ready;
      assign out_valid = count != 0;
      if (STYLE == 1) begin : lutram
        (* ram_style = "distributed" *) reg [WIDTH-1:0] mem [0:DEPTH-1];
        assign out_data = mem[head];
        always @(posedge clk)
          if (push)
            mem[tail] <= in_data;
      end else begin : flops
        (* ram_style = "logic" *) reg [WIDTH-1:0] mem [0:DEPTH-1];
        assign out_data = mem[head];
        always @(posedge clk)
          if (push)
            mem[tail] <= in_data;
      end
    end
  endgenerate
endmodule

// Codes clamped to [MIN, MAX], a beat per cycle.
module effai_clamp #(
  parameter BEAT = 1,
  parameter W = 8,
  parameter SIGNED = 0,
  parameter integer MIN = 0,
  parameter integer MAX = 255
) (
  input  wire            clk,
  input  wire            rst,
  input  wire [BEAT*W-1:0] in_data,
  input  wire            in_valid,
  output wire            in_ready,
  output reg  [BEAT*W-1:0] out_data,
  output reg             out_valid,
  input  wire            out_ready
);
  assign in_ready = !out_valid || out_ready;
  integer c;
  reg signed [W:0] v;
  always @(posedge clk) begin
    if (rst) begin
      out_valid <= 0;
    end else begin
      if (out_valid && out_ready)
        out_valid <= 0;
      if (in_valid && in_ready) begin
        for (c = 0; c < BEAT; c = c + 1) begin
          v = SIGNED ? {in_data[c*W+W-1], in_data[c*W +: W]}
                     : {1'b0, in_data[c*W +: W]};
          out_data[c*W +: W] <= v < MIN ? MIN[W-1:0]
                              : v > MAX ? MAX[W-1:0] : v[W-1:0];
        end
        out_valid <= 1;
      end
    end
  end
endmodule

// The MAC engine's parameters (besides K, its input count), which conv2d
// and linear PEs take and pass on, and its instance in those PEs over
// their `x`, `start` and `busy`. WB: bits of a weight entry; EB: of a
// shift-add exponent; IB: of an input index; OP_W: of (code - zero point).
`define EFFAI_MAC_PARAMETERS \
  parameter O = 2, \
  parameter PE = 1, \
  parameter SIMD = 1, \
  parameter STEPS = 8, \
  parameter ARITH = 0, \
  parameter WB = 8, \
  parameter EB = 3, \
  parameter IB = 2, \
  parameter OP_W = 9, \
  parameter ACC_W = 20, \
  parameter OUT_W = 8, \
  parameter REQUANT = 1, \
  parameter integer OUT_ZP = 0, \
  parameter integer OUT_MIN = 0, \
  parameter integer OUT_MAX = 255, \
  parameter ROM_STYLE = 0, \
  parameter DENSE = 0, \
  parameter WEIGHTS = "weights.mem", \
  parameter BIASES = "biases.mem", \
  parameter REQUANTS = "requants.mem"
`define EFFAI_MAC \
  effai_mac #(.K(K), .O(O), .PE(PE), .SIMD(SIMD), .STEPS(STEPS), \
              .ARITH(ARITH), .WB(WB), .EB(EB), .IB(IB), .OP_W(OP_W), \
              .ACC_W(ACC_W), .OUT_W(OUT_W), .REQUANT(REQUANT), \
              .OUT_ZP(OUT_ZP), .OUT_MIN(OUT_MIN), .OUT_MAX(OUT_MAX), \
              .ROM_STYLE(ROM_STYLE), .DENSE(DENSE), .WEIGHTS(WEIGHTS), .BIASES(BIASES), .REQUANTS(REQUANTS)) \
    mac (.clk(clk), .rst(rst), .x(x), .start(start), .busy(busy), \
         .out_data(out_data), .out_valid(out_valid), .out_ready(out_ready), \
         .tree(), .partials());

// The MAC engine of conv2d and linear PEs: given an input vector `x` (K
// operands, code - zero point, held while busy) and a `start` pulse, runs
// STEPS MAC steps, one per cycle from the cycle `start` is high. Each step
// reads one ROM word (in ROM_STYLE's memory, effai_ram's styles): for each
// of PE x SIMD lanes a weight and, unless DENSE, the index of its input in
// `x` (a pruned layer's kept weights); and whether the step ends a group of
// PE output channels. A DENSE engine's lanes read the inputs in chunks of
// SIMD, chunk c in a group's step c: a multiplexer over chunks, none when
// one chunk covers K. A step's products are summed per channel by a
// balanced tree of two-input adders. A group starts from its biases and
// ends with the fixed-point requantization of its PE accumulators, shifted
// into the result from the top; the last step waits for the output
// register to be free. The `tree` and `partials` outputs (the adder
// trees' nodes, lut-mul's partial sums) are left unconnected: they keep
// yosys from merging the adders into one $macc.
//
// ARITH: 0 dsp (x * w, a DSP each), 1 dsp-packed (two channels' products
// in one DSP), 2 lut-mul (partial products added in LUTs), 3 shift-add
// (weights as terms s0 * 2^e0 + s1 * 2^e1: {s1[1:0], s0[1:0], e1, e0} with
// signs 01 = +1, 11 = -1, 00 = no term).
module effai_mac #(
  parameter K = 4,
  `EFFAI_MAC_PARAMETERS,
  // Derived, not set by instances: x * w as ARITH builds it in PROD_W bits
  // (a product's exact width: adders narrower than the accumulator); a
  // summand of the adder trees in TERM_W bits (dsp-packed: half a DSP
  // product).
  parameter PROD_W = OP_W + (ARITH == 3 ? (1 << EB) + 1 : WB),
  parameter TERM_W = ARITH == 1 ? (OP_W + 9 > 18 ? OP_W + 9 : 18) : PROD_W
) (
  input  wire               clk,
  input  wire               rst,
  input  wire [K*OP_W-1:0]  x,
  input  wire               start,
  output wire               busy,
  output reg  [O*OUT_W-1:0] out_data,
  output reg                out_valid,
  input  wire               out_ready,
  output wire [PE*(2*(1<<$clog2(SIMD))-1)*(TERM_W+$clog2(SIMD))-1:0] tree,
  output wire [PE*SIMD*WB*PROD_W-1:0] partials
);
  localparam LANES = PE * SIMD;
  localparam GROUPS = O / PE;
  localparam ENTRY = DENSE ? WB : WB + IB;
  localparam CHUNKS = (K + SIMD - 1) / SIMD;
  localparam WORD = 1 + LANES * ENTRY;

  // A group's biases and requantization constants ({shift[6:0],
  // multiplier[31:0]} per channel), read by the group counter.
  (* rom_style = "logic" *) reg [PE*32-1:0] bias [0:GROUPS-1];
  (* rom_style = "logic" *) reg [PE*39-1:0] requant [0:GROUPS-1];
`ifdef VERILATOR
  string dir;
  initial begin
    if (!$value$plusargs("effai_mem=%s", dir))
      dir = ".";
    $readmemh({dir, "/", BIASES}, bias);
    $readmemh({dir, "/", REQUANTS}, requant);
  end
`else
  initial begin
    $readmemh(BIASES, bias);
    $readmemh(REQUANTS, requant);
  end
`endif

  reg running;
  reg [31:0] step, group;
  reg signed [ACC_W-1:0] acc [0:PE-1];
  reg [O*OUT_W-1:0] result;
  wire active = running || start;
  wire last_step = step == STEPS - 1;
  wire advance = active && (!last_step || !out_valid || out_ready);
  assign busy = active;

  // The ROM is read a cycle ahead, at the step of the next cycle (block
  // RAMs read synchronously); `word` is the current step's.
  wire [31:0] next_step = rst || (advance && last_step) ? 0
                        : advance ? step + 1 : step;
  // A single word is constants wired into the products (synthesis drops
  // the products by zero).
  wire [WORD-1:0] word;
  generate
    if (STEPS == 1) begin : wired
      reg [WORD-1:0] rom [0:0];
`ifdef VERILATOR
      string from;
      initial begin
        if (!$value$plusargs("effai_mem=%s", from))
          from = ".";
        $readmemh({from, "/", WEIGHTS}, rom);
      end
`else
      initial $readmemh(WEIGHTS, rom);
`endif
      assign word = rom[0];
    end else begin : stepped
      effai_ram #(.WIDTH(WORD), .DEPTH(STEPS), .STYLE(ROM_STYLE),
                  .INIT(WEIGHTS), .ROM(ROM_STYLE == 0))
        rom (.clk(clk), .we(1'b0), .waddr(32'd0), .wdata({WORD{1'b0}}),
             .re(1'b1), .raddr(next_step), .rdata(word));
    end
  endgenerate
  // The word with room for an index past its end (not read when DENSE).
  wire [WORD+IB-1:0] entries = {{IB{1'b0}}, word};

  // The operands as an array: a lane's input is a multiplexer over them
  // (an offset computed as idx * OP_W would be a multiplier); and as
  // chunks of SIMD (zeros past K) for DENSE lanes.
  wire [OP_W-1:0] operands [0:K-1];
  wire [CHUNKS*SIMD*OP_W-1:0] grid;
  wire [SIMD*OP_W-1:0] chunks [0:CHUNKS-1];
  genvar gk;
  generate
    for (gk = 0; gk < CHUNKS * SIMD; gk = gk + 1) begin : split
      if (gk < K) begin : operand
        assign operands[gk] = x[gk*OP_W +: OP_W];
        assign grid[gk*OP_W +: OP_W] = x[gk*OP_W +: OP_W];
      end else begin : padding
        assign grid[gk*OP_W +: OP_W] = 0;
      end
    end
    for (gk = 0; gk < CHUNKS; gk = gk + 1) begin : chunked
      assign chunks[gk] = grid[gk*SIMD*OP_W +: SIMD*OP_W];
    end
  endgenerate
  // The step within the group: a DENSE lane's chunk.
  reg [31:0] chunk;
  wire [SIMD*OP_W-1:0] current = chunks[chunk];

  // The products of one step (`terms`, TERM_W bits each: lane l of PE p
  // at p * SIMD + l), summed per output channel of the group by the trees
  // below. dsp-packed lanes pair up channels p and p + 1 (p even), which
  // read the same input: x * (w1 * 2^18 + w0) is one DSP product whose low
  // 18 bits are x * w0 and whose high bits, plus the low product's borrow
  // (bit 17), x * w1 (Xilinx WP486). The borrows are the carries into the
  // adders of channel p + 1's tree and its accumulator (`carries`).
  wire [PE*SIMD*TERM_W-1:0] terms;
  wire [PE*SIMD-1:0] carries;
  genvar gl;
  generate
    for (gl = 0; gl < LANES; gl = gl + 1) begin : lanes
      wire [WB-1:0] w = entries[1 + gl * ENTRY +: WB];
      wire [IB-1:0] idx = entries[1 + gl * ENTRY + WB +: IB];
      wire signed [OP_W-1:0] xv =
          DENSE ? current[(gl % SIMD) * OP_W +: OP_W] : operands[idx];
      if (ARITH == 2) begin : lut_mul
        // A multiplier in LUTs: x ANDed with each weight bit, shifted and
        // added (the top bit's negative), a partial sum per bit, each on
        // the `partials` port (as the trees' nodes below); no $mul for
        // synthesis to put in a DSP.
        wire signed [PROD_W-1:0] xe = xv;
        wire [WB*PROD_W-1:0] partial;
        genvar gb;
        for (gb = 0; gb < WB; gb = gb + 1) begin : bits
          wire [PROD_W-1:0] row = (xe & {PROD_W{w[gb]}}) << gb;
          if (gb == 0) begin : first
            assign partial[0 +: PROD_W] = row;
          end else begin : next
            assign partial[gb * PROD_W +: PROD_W] =
                gb == WB - 1 ? partial[(gb - 1) * PROD_W +: PROD_W] - row
                             : partial[(gb - 1) * PROD_W +: PROD_W] + row;
          end
        end
        assign partials[gl * WB * PROD_W +: WB * PROD_W] = partial;
        assign terms[gl * TERM_W +: TERM_W] =
            partial[(WB - 1) * PROD_W +: PROD_W];
        assign carries[gl] = 0;
      end else if (ARITH != 1) begin : single
        wire signed [63:0] prod = product(xv, w);
        assign terms[gl * TERM_W +: TERM_W] = prod[TERM_W-1:0];
        assign carries[gl] = 0;
        assign partials[gl * WB * PROD_W +: WB * PROD_W] = 0;
      end else if ((gl / SIMD) % 2 == 0) begin : paired
        wire [WB-1:0] w1 = entries[1 + (gl + SIMD) * ENTRY +: WB];
        wire signed [26:0] pair = ($signed(w1) <<< 18) + $signed(w);
        wire signed [OP_W+26:0] both = xv * pair;
        assign terms[gl * TERM_W +: TERM_W] = $signed(both[17:0]);
        assign terms[(gl + SIMD) * TERM_W +: TERM_W] = both >>> 18;
        assign carries[gl] = 0;
        assign carries[gl + SIMD] = both[17];
        assign partials[gl * WB * PROD_W +: WB * PROD_W] = 0;
        assign partials[(gl + SIMD) * WB * PROD_W +: WB * PROD_W] = 0;
      end
    end
  endgenerate

  // A balanced tree of two-input adders per PE, level v's sums TERM_W + v
  // bits (operands sign-extended by hand: a carry-in keeps an adder one
  // carry chain only in unsigned arithmetic); adder t (0 the root) adds
  // the PE's carry t, its accumulator the last. Every node is also on the
  // `tree` port (unconnected): yosys merges adders whose sum has a single
  // use into one many-operand $macc, which it maps to LUT compressors 3-5x
  // the size of carry-chain adders.
  localparam LEVELS = $clog2(SIMD);
  localparam LEAVES = 1 << LEVELS;
  localparam NODE_W = TERM_W + LEVELS;
  wire [ACC_W-1:0] sums [0:PE-1];
  wire [PE-1:0] last_carry;
  genvar gp, gv, gi;
  generate
    for (gp = 0; gp < PE; gp = gp + 1) begin : summed
      wire [LEAVES-1:0] carry = carries[gp * SIMD +: SIMD];
      for (gv = 0; gv <= LEVELS; gv = gv + 1) begin : level
        wire [(LEAVES >> gv) * (TERM_W + gv) - 1:0] node;
        for (gi = 0; gi < (LEAVES >> gv); gi = gi + 1) begin : at
          localparam TAP = (LEAVES >> gv) - 1 + gi;
          if (gv == 0) begin : leaf
            assign node[gi * TERM_W +: TERM_W] =
                gi < SIMD ? terms[(gp * SIMD + gi) * TERM_W +: TERM_W] : 0;
          end else begin : add
            localparam IN_W = TERM_W + gv - 1;
            wire [IN_W-1:0] a = level[gv - 1].node[2 * gi * IN_W +: IN_W];
            wire [IN_W-1:0] b = level[gv - 1].node[(2 * gi + 1) * IN_W +: IN_W];
            assign node[gi * (IN_W + 1) +: IN_W + 1] =
                {a[IN_W-1], a} + {b[IN_W-1], b} + carry[TAP];
          end
          assign tree[(gp * (2 * LEAVES - 1) + TAP) * NODE_W +: NODE_W] =
              $signed(node[gi * (TERM_W + gv) +: TERM_W + gv]);
        end
      end
      assign sums[gp] = $signed(level[LEVELS].node);
      assign last_carry[gp] = carry[LEAVES - 1];
    end
  endgenerate

  // x * w in PROD_W bits: a DSP's product, or shift-add's two terms.
  function automatic signed [63:0] product(input signed [OP_W-1:0] xin,
                                           input [WB-1:0] win);
    reg signed [PROD_W-1:0] xe, sum;
    reg [1:0] s0, s1;
    reg [EB-1:0] e0, e1;
    begin
      xe = xin;
      if (ARITH == 3) begin
        e0 = win[EB-1:0];
        e1 = win[2*EB-1:EB];
        s0 = win[2*EB+1:2*EB];
        s1 = win[2*EB+3:2*EB+2];
        sum = (s0 == 2'b01 ? (xe <<< e0) : s0 == 2'b11 ? -(xe <<< e0) : 0) +
              (s1 == 2'b01 ? (xe <<< e1) : s1 == 2'b11 ? -(xe <<< e1) : 0);
      end else begin
        sum = xe * $signed(win);
      end
      product = sum;
    end
  endfunction

  // round_half_even(acc * m / 2^s) + OUT_ZP, clamped: effai's fixed-point
  // requantization.
  function automatic [OUT_W-1:0] requantize(input signed [ACC_W-1:0] a,
                                            input [38:0] q);
    reg signed [63:0] full, floor_, rem, half, v;
    reg [6:0] s;
    begin
      s = q[38:32];
      full = $signed({{(64-ACC_W){a[ACC_W-1]}}, a}) *
             $signed({32'd0, q[31:0]});
      floor_ = full >>> s;
      rem = full & ((64'sd1 <<< s) - 64'sd1);
      half = 64'sd1 <<< (s - 7'd1);
      v = floor_ + ((rem > half || (rem == half && floor_[0])) ? 64'sd1 : 64'sd0) +
          OUT_ZP;
      requantize = v < OUT_MIN ? OUT_MIN[OUT_W-1:0]
                 : v > OUT_MAX ? OUT_MAX[OUT_W-1:0] : v[OUT_W-1:0];
    end
  endfunction

  integer p;
  reg first;
  reg signed [ACC_W-1:0] total;
  reg signed [63:0] wide;
  reg [PE*32-1:0] biases;
  reg [PE*39-1:0] constants;
  reg [PE*OUT_W-1:0] outputs;
  reg [O*OUT_W-1:0] next;
  always @(posedge clk) begin
    if (rst) begin
      running <= 0;
      step <= 0;
      group <= 0;
      chunk <= 0;
      first <= 1;
      out_valid <= 0;
    end else begin
      if (out_valid && out_ready)
        out_valid <= 0;
      // A start the full output register holds back is not lost.
      if (start)
        running <= 1;
      if (advance) begin
        biases = bias[group];
        constants = requant[group];
        for (p = 0; p < PE; p = p + 1) begin
          total = (first ? biases[p*32 +: ACC_W] : acc[p]) + sums[p] +
                  last_carry[p];
          acc[p] <= total;
          wide = total;
          outputs[p*OUT_W +: OUT_W] =
              REQUANT ? requantize(total, constants[p*39 +: 39])
                      : wide[OUT_W-1:0];
        end
        // Groups shift in from the top: after the last, the first is at
        // the bottom, as the output orders channels.
        next = result >> (PE * OUT_W);
        next[(O - PE) * OUT_W +: PE * OUT_W] = outputs;
        if (!word[0])
          next = result;
        result <= next;
        first <= word[0];
        chunk <= word[0] ? 0 : chunk + 1;
        if (word[0])
          group <= group == GROUPS - 1 ? 0 : group + 1;
        if (last_step) begin
          out_data <= next;
          out_valid <= 1;
          running <= 0;
          step <= 0;
          group <= 0;
        end else begin
          step <= step + 1;
        end
      end
    end
  end
endmodule

// A KH x KW window sliding over rows of WIDTH pixels (PIX_W bits each):
// `shift` moves `pixel`, at column `col` (one more each shift, wrapping at
// WIDTH), in; `window` is flat, pixel (ky, kx) at bits
// [(ky * KW + kx) * PIX_W +: PIX_W], the newest at (KH - 1, KW - 1). The
// KH - 1 rows above are a line buffer in LINE_STYLE's memory (effai_ram's
// styles), a word per column: row ky at [ky * PIX_W +: PIX_W]. It is read
// a shift ahead (block RAMs read synchronously).
module effai_window #(
  parameter KH = 3,
  parameter KW = 3,
  parameter WIDTH = 8,
  parameter PIX_W = 8,
  parameter LINE_STYLE = 0
) (
  input  wire                   clk,
  input  wire                   shift,
  input  wire [31:0]            col,
  input  wire [PIX_W-1:0]       pixel,
  output wire [KH*KW*PIX_W-1:0] window
);
  localparam ROWS = KH > 1 ? KH - 1 : 1;
  reg [PIX_W-1:0] regs [0:KH*KW-1];
  genvar g;
  generate
    for (g = 0; g < KH * KW; g = g + 1) begin : flat
      assign window[g*PIX_W +: PIX_W] = regs[g];
    end
  endgenerate
  // The column's rows: read the cycle before (a one-column buffer reads
  // what it writes, so the written word is passed on).
  wire [ROWS*PIX_W-1:0] stored, column;
  wire [31:0] next_col = col == WIDTH - 1 ? 0 : col + 1;
  wire [31:0] read_col = shift ? next_col : col;
  reg [ROWS*PIX_W-1:0] written;
  reg forward;
  assign column = WIDTH == 1 && forward ? written : stored;
  // The column moved up a row, the pixel at the bottom.
  wire [ROWS*PIX_W-1:0] moved;
  generate
    if (KH > 2) begin : rows
      assign moved = {pixel, column[ROWS*PIX_W-1:PIX_W]};
    end else begin : row
      assign moved = pixel;
    end
    if (KH > 1) begin : lines
      effai_ram #(.WIDTH(ROWS * PIX_W), .DEPTH(WIDTH), .STYLE(LINE_STYLE))
        line (.clk(clk), .we(shift), .waddr(col), .wdata(moved), .re(1'b1),
              .raddr(read_col), .rdata(stored));
    end else begin : none
      assign stored = 0;
    end
  endgenerate
  integer ky, kx;
  always @(posedge clk) begin
    forward <= shift;
    written <= moved;
    if (shift) begin
      for (ky = 0; ky < KH; ky = ky + 1)
        for (kx = 0; kx + 1 < KW; kx = kx + 1)
          regs[ky * KW + kx] <= regs[ky * KW + kx + 1];
      for (ky = 0; ky + 1 < KH; ky = ky + 1)
        regs[ky * KW + KW - 1] <= column[ky * PIX_W +: PIX_W];
      regs[KH * KW - 1] <= pixel;
    end
  end
endmodule

// A fully connected PE: reads its input frame (IN_BEATS beats of BEAT
// codes, a beat per cycle), then runs the MAC engine over it.
module effai_linear #(
  parameter IN_BEATS = 1,
  parameter BEAT = 4,
  parameter IN_W = 8,
  parameter IN_SIGNED = 0,
  parameter integer ZP = 0,
  parameter K = 4,
  `EFFAI_MAC_PARAMETERS
) (
  input  wire                 clk,
  input  wire                 rst,
  input  wire [BEAT*IN_W-1:0] in_data,
  input  wire                 in_valid,
  output wire                 in_ready,
  output wire [O*OUT_W-1:0]   out_data,
  output wire                 out_valid,
  input  wire                 out_ready
);
  reg [K*OP_W-1:0] x;
  reg [31:0] beat;
  reg start;
  wire busy;
  assign in_ready = !busy;
  `EFFAI_MAC
  // Beats shift in from the top: after the frame the first is at the
  // bottom, as x orders them (no computed offsets, no multipliers).
  integer c;
  reg [IN_W:0] code;
  reg [BEAT*OP_W-1:0] incoming;
  always @* begin
    for (c = 0; c < BEAT; c = c + 1) begin
      code = IN_SIGNED ? {in_data[c*IN_W+IN_W-1], in_data[c*IN_W +: IN_W]}
                       : {1'b0, in_data[c*IN_W +: IN_W]};
      incoming[c*OP_W +: OP_W] = $signed(code) - ZP;
    end
  end
  generate
    if (IN_BEATS == 1) begin : whole
      always @(posedge clk)
        if (in_valid && in_ready)
          x <= incoming;
    end else begin : beats
      always @(posedge clk)
        if (in_valid && in_ready)
          x <= {incoming, x[K*OP_W-1:BEAT*OP_W]};
    end
  endgenerate
  always @(posedge clk) begin
    start <= 0;
    if (rst) begin
      beat <= 0;
    end else if (in_valid && in_ready) begin
      if (beat == IN_BEATS - 1) begin
        beat <= 0;
        start <= 1;
      end else begin
        beat <= beat + 1;
      end
    end
  end
endmodule

// A convolution PE (HWC streams, a pixel per beat): walks the padded input
// a pixel per cycle (padding is the zero point, read from no stream) into
// a sliding window; at each output position the MAC engine runs over the
// window.
module effai_conv2d #(
  parameter H = 8,
  parameter W = 8,
  parameter C = 1,
  parameter KH = 3,
  parameter KW = 3,
  parameter SH = 1,
  parameter SW = 1,
  parameter PAD_T = 1,
  parameter PAD_L = 1,
  parameter HP = 10,       // padded height
  parameter WP = 10,       // padded width
  parameter IN_W = 8,
  parameter IN_SIGNED = 0,
  parameter integer ZP = 0,
  parameter LINE_STYLE = 0,
  `EFFAI_MAC_PARAMETERS
) (
  input  wire              clk,
  input  wire              rst,
  input  wire [C*IN_W-1:0] in_data,
  input  wire              in_valid,
  output wire              in_ready,
  output wire [O*OUT_W-1:0] out_data,
  output wire              out_valid,
  input  wire              out_ready
);
  localparam K = KH * KW * C;
  reg [31:0] y, xcol;
  reg start;
  wire busy;
  wire in_frame = y >= PAD_T && y < PAD_T + H && xcol >= PAD_L &&
                xcol < PAD_L + W;
  wire [C*IN_W-1:0] padding = {C{ZP[IN_W-1:0]}};
  // A pixel moves when the MAC engine is idle: from the stream in_frame the
  // frame, from nowhere in the padding.
  wire move = !busy && !start && (!in_frame || in_valid);
  assign in_ready = !busy && !start && in_frame;
  wire [K*IN_W-1:0] window;
  effai_window #(.KH(KH), .KW(KW), .WIDTH(WP), .PIX_W(C*IN_W),
                 .LINE_STYLE(LINE_STYLE))
    slide (.clk(clk), .shift(move), .col(xcol),
           .pixel(in_frame ? in_data : padding), .window(window));
  // The window's operands, code - zero point.
  reg [K*OP_W-1:0] x;
  integer i;
  reg [IN_W:0] code;
  always @* begin
    for (i = 0; i < K; i = i + 1) begin
      code = IN_SIGNED ? {window[i*IN_W+IN_W-1], window[i*IN_W +: IN_W]}
                       : {1'b0, window[i*IN_W +: IN_W]};
      x[i*OP_W +: OP_W] = $signed(code) - ZP;
    end
  end
  `EFFAI_MAC
  always @(posedge clk) begin
    start <= 0;
    if (rst) begin
      y <= 0;
      xcol <= 0;
    end else if (move) begin
      // The window ending here is an output position: compute it next.
      start <= y >= KH - 1 && xcol >= KW - 1 && (y - (KH - 1)) % SH == 0 &&
               (xcol - (KW - 1)) % SW == 0;
      if (xcol == WP - 1) begin
        xcol <= 0;
        y <= y == HP - 1 ? 0 : y + 1;
      end else begin
        xcol <= xcol + 1;
      end
    end
  end
endmodule

// A max-pooling PE: a pixel per cycle through a sliding window; each
// output position takes the per-channel maximum of its window (codes
// compared as SIGNED says).
module effai_maxpool #(
  parameter H = 8,
  parameter W = 8,
  parameter C = 1,
  parameter KH = 2,
  parameter KW = 2,
  parameter SH = 2,
  parameter SW = 2,
  parameter IN_W = 8,
  parameter SIGNED = 0,
  parameter LINE_STYLE = 0
) (
  input  wire              clk,
  input  wire              rst,
  input  wire [C*IN_W-1:0] in_data,
  input  wire              in_valid,
  output wire              in_ready,
  output reg  [C*IN_W-1:0] out_data,
  output reg               out_valid,
  input  wire              out_ready
);
  reg [31:0] y, xcol;
  // The window a pixel completed is compared the cycle after it moved in,
  // while the next pixel moves; a full output register holds both.
  reg pending;
  wire stall = pending && out_valid && !out_ready;
  assign in_ready = !stall;
  wire move = in_valid && in_ready;
  wire [KH*KW*C*IN_W-1:0] window;
  effai_window #(.KH(KH), .KW(KW), .WIDTH(W), .PIX_W(C*IN_W),
                 .LINE_STYLE(LINE_STYLE))
    slide (.clk(clk), .shift(move), .col(xcol), .pixel(in_data),
           .window(window));
  integer ch, k;
  reg signed [IN_W:0] best, v;
  reg [C*IN_W-1:0] maxima;
  always @* begin
    for (ch = 0; ch < C; ch = ch + 1) begin
      best = 0;
      for (k = 0; k < KH * KW; k = k + 1) begin
        v = SIGNED ? {window[(k * C + ch) * IN_W + IN_W - 1],
                      window[(k * C + ch) * IN_W +: IN_W]}
                   : {1'b0, window[(k * C + ch) * IN_W +: IN_W]};
        if (k == 0 || v > best)
          best = v;
      end
      maxima[ch*IN_W +: IN_W] = best[IN_W-1:0];
    end
  end
  always @(posedge clk) begin
    if (rst) begin
      y <= 0;
      xcol <= 0;
      pending <= 0;
      out_valid <= 0;
    end else begin
      if (out_valid && out_ready)
        out_valid <= 0;
      if (pending && !stall) begin
        out_data <= maxima;
        out_valid <= 1;
      end
      if (!stall)
        pending <= move && y >= KH - 1 && xcol >= KW - 1 &&
                   (y - (KH - 1)) % SH == 0 && (xcol - (KW - 1)) % SW == 0;
      if (move) begin
        if (xcol == W - 1) begin
          xcol <= 0;
          y <= y == H - 1 ? 0 : y + 1;
        end else begin
          xcol <= xcol + 1;
        end
      end
    end
  end
endmodule

`default_nettype wire
