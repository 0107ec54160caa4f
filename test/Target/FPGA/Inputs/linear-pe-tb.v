// Drives pe_top (Inputs/linear-pe.mlir) with two frames, x[i] = 7 (i + 1)
// and then x[i] = 255, and prints each output beat's four i32s.
`timescale 1ns/1ns
module tb;
  reg clk = 0, rst = 1;
  always #1 clk = ~clk;
  reg [127:0] x_data;
  reg x_valid = 0;
  wire x_ready, y_valid;
  wire [127:0] y_data;
  pe_top dut (.clk(clk), .rst(rst), .x_data(x_data), .x_valid(x_valid),
              .x_ready(x_ready), .y_data(y_data), .y_valid(y_valid),
              .y_ready(1'b1));
  integer i, frames = 0, cycles = 0;
  always @(posedge clk) begin
    cycles <= cycles + 1;
    if (x_valid && x_ready) begin
      x_valid <= frames == 0;
      for (i = 0; i < 16; i = i + 1)
        x_data[i*8 +: 8] <= 255;
      frames <= frames + 1;
    end
    if (y_valid)
      $display("y = %0d %0d %0d %0d", $signed(y_data[31:0]),
               $signed(y_data[63:32]), $signed(y_data[95:64]),
               $signed(y_data[127:96]));
    if (cycles > 200) $finish;
  end
  initial begin
    for (i = 0; i < 16; i = i + 1)
      x_data[i*8 +: 8] = 7 * (i + 1);
    #5 rst = 0;
    x_valid = 1;
  end
endmodule
