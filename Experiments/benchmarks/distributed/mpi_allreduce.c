/* The Open MPI baseline of allreduce.sh: MPI_Allreduce (MPI_SUM) of float
 * buffers from 4 KB to MAX_BYTES, timed as hpo-collectives-probe's `bench`
 * times hpo's ring all-reduce (same sizes, iterations and barriers). Rank 0
 * prints: N, bytes, iterations, us/op, algbw and busbw in GB/s (10^9 B/s).
 *   mpicc -O2 -o mpi_allreduce mpi_allreduce.c
 *   mpirun -np N ./mpi_allreduce MAX_BYTES
 */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  long max_bytes = argc > 1 ? atol(argv[1]) : 67108864L;
  for (long bytes = 4096; bytes <= max_bytes; bytes *= 4) {
    long count = bytes / 4;
    float *buffer = calloc((size_t)count, sizeof(float));
    if (buffer == NULL) MPI_Abort(MPI_COMM_WORLD, 1);
    long iterations = (128L << 20) / bytes;
    if (iterations > 200) iterations = 200;
    if (iterations < 3) iterations = 3;
    MPI_Allreduce(MPI_IN_PLACE, buffer, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    double start = MPI_Wtime();
    for (long i = 0; i < iterations; i++)
      MPI_Allreduce(MPI_IN_PLACE, buffer, (int)count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
    MPI_Barrier(MPI_COMM_WORLD);
    double seconds = (MPI_Wtime() - start) / (double)iterations;
    if (rank == 0) {
      double algbw = (double)bytes / seconds / 1e9;
      printf("%d\t%ld\t%ld\t%.1f\t%.3f\t%.3f\n", size, bytes, iterations, seconds * 1e6, algbw,
             algbw * 2.0 * (size - 1) / size);
      fflush(stdout);
    }
    free(buffer);
  }
  MPI_Finalize();
  return 0;
}
