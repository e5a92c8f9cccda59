# Written by bench/run_ns3_study.sh; run `gnuplot packet_study.gp` in docs/ to re-render.
set logscale xy
set ytics (0.25, 0.5, 0.75, 1, 1.5, 2, 3, 4, 5)
set yrange [0.25:6]
set xlabel "message size (bytes)"
set ylabel "packet level / flow level"
set title "Time of k simultaneous messages into one host: packet / flow (flow: each scenario's model)"
set key below left Left reverse maxcols 2
set grid
set object 1 rect from graph 0, first 0.95 to graph 1, first 1.05 fc rgb "#dddddd" fs solid 0.5 behind
set terminal pngcairo size 1000,650
set output "packet_study.png"
plot 'packet_study.dat' index 0 using 1:4 with linespoints lw 2 title 'quickstart leaf-spine (10 Gbps, 2 us), 1 sender(s)', 'packet_study.dat' index 1 using 1:4 with linespoints lw 2 title 'quickstart leaf-spine (10 Gbps, 2 us), 16 sender(s)', 'packet_study.dat' index 2 using 1:4 with linespoints lw 2 title 'gradient-coding star (1 Gbps, 50 us), 1 sender(s)', 'packet_study.dat' index 3 using 1:4 with linespoints lw 2 title 'gradient-coding star (1 Gbps, 50 us), 16 sender(s)', 'packet_study.dat' index 4 using 1:4 with linespoints lw 2 title 'fabric leaf-spine (100 Gbps, 1 us), 1 sender(s)', 'packet_study.dat' index 5 using 1:4 with linespoints lw 2 title 'fabric leaf-spine (100 Gbps, 1 us), 15 sender(s)'
set terminal svg size 1000,650
set output "packet_study.svg"
replot
