#ifndef SDNN_HPP
#define SDNN_HPP

/// \file Sdnn.hpp
/// Umbrella header of sdnn, a Kokkos library for sparse deep neural network inference.

/// \namespace sdnn
/// The public API of sdnn: CSC matrices over Kokkos Views, the Graph Challenge readers and writers,
/// the binary cache, the generator, the reference inference, the parallel infer(), infer_streamed() for networks
/// larger than memory and, in MPI builds, the distributed infer_distributed().

#include <Sdnn_BinaryCache.hpp>
#include <Sdnn_Config.hpp>
#include <Sdnn_CscMatrix.hpp>
#include <Sdnn_Dataset.hpp>
#include <Sdnn_Distributed.hpp>
#include <Sdnn_DistributedTraining.hpp>
#include <Sdnn_Error.hpp>
#include <Sdnn_Generator.hpp>
#include <Sdnn_Hash.hpp>
#include <Sdnn_IO.hpp>
#include <Sdnn_Inference.hpp>
#include <Sdnn_InstructionSet.hpp>
#include <Sdnn_LayerSource.hpp>
#include <Sdnn_ModelParallel.hpp>
#include <Sdnn_NetworkPartition.hpp>
#include <Sdnn_NetworkPartitionFile.hpp>
#include <Sdnn_PreparedNetwork.hpp>
#include <Sdnn_Reference.hpp>
#include <Sdnn_RowBlock.hpp>
#include <Sdnn_StreamedInference.hpp>
#include <Sdnn_StreamingPlan.hpp>
#include <Sdnn_TrainableNetwork.hpp>
#include <Sdnn_TrainedInference.hpp>
#include <Sdnn_TrainedNetworkFile.hpp>
#include <Sdnn_Training.hpp>
#include <Sdnn_WorkReport.hpp>

#endif
