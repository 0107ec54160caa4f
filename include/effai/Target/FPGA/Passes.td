//===- Passes.td - FPGA target passes ----------------------*- tablegen -*-===//
//
// The policy half of the FPGA target: how each PE of an effai_fpga
// accelerator is built for a part. The emitters apply what it records.
//
//===----------------------------------------------------------------------===//

#ifndef EFFAI_TARGET_FPGA_PASSES_TD
#define EFFAI_TARGET_FPGA_PASSES_TD

include "mlir/Pass/PassBase.td"

def FPGAFold : Pass<"effai-fpga-fold", "::mlir::ModuleOp"> {
  let summary = "Choose each PE's folding, arithmetic and storage to "
                "maximise throughput within the part's resources";
  let description = [{
    Reads the module's `effai.target` (an FPGA preset: `effai-set-target
    {target=xczu9eg}`) and, for every `effai_fpga.accelerator`, records a
    `#effai_fpga.fold` on each PE:

    - The frame interval is the slowest PE's cycles, so PEs are balanced:
      the pass searches for the smallest interval T at which every PE has
      a build meeting T and the builds together fit `utilization` of
      every resource (DSP, LUT, FF, BRAM, URAM).
    - For a given T, each MAC PE gets the cheapest (in shares of the
      budget) of its builds with at most T cycles: `pe` dividing the
      output channels, `simd` dividing the weights per output, and an
      arithmetic its weights allow — `dsp`, `dsp-packed` (8-bit weights on
      27 x 18 DSPs, even `pe`), `lut-mul`, or `shift-add` when every weight
      is a sum or difference of two powers of two — with the cheapest
      weight storage (constants in `registers` when the PE uses all its
      weights every cycle, else LUTRAM or BRAM: a weight ROM needs initial
      contents, which URAM does not have), and `skip_zeros`
      where visiting only kept weights is cheaper (pruned layers). When
      the cheapest builds overflow one resource, PEs move to builds that
      use less of it (e.g. from DSPs to LUT multipliers or shift-adds, as
      hybrid DSP/LUT designs do) until the design fits.
    - Accumulators get the exact width the weights need. Each FIFO holds a
      frame of its stream (up to 1024 beats), so every PE can run a frame
      ahead of its reader and the slowest PE alone sets the interval (as
      the estimator assumes; shallower FIFOs couple PEs that read and write
      in bursts, measured 11% slower in Verilator). Where no design fits
      with frame FIFOs, they hold 2 beats, except before a linear layer
      that reads a map (it takes the whole frame before computing).

    A model that does not fit even fully folded is an error naming what it
    needs and what the part has. Estimates come from the FPGA estimator
    (`effai-translate --fpga-report`).
  }];
  let options = [
    Option<"utilization", "utilization", "double", /*default=*/"0.8",
           "Fraction of each resource the design may use">,
  ];
}

#endif // EFFAI_TARGET_FPGA_PASSES_TD
