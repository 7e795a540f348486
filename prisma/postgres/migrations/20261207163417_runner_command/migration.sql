-- AlterEnum
ALTER TYPE "RunnerKind" ADD VALUE 'COMMAND';
