/**
 * Pure: how a node group's min and max change on a running cluster. The cluster autoscaler owns `desiredSize`, so the
 * node group resource ignores its scaling config after creation; EKS refuses a min above, or a max below, the current
 * desired size ("Minimum capacity 2 can't be greater than desired size 1"; hashicorp/terraform-provider-aws#18310
 * asks for exactly this clamp). This script reads the group's current sizes and sends the new bounds with the desired
 * size clamped into them, or nothing when they already hold. It runs with the `aws` CLI the EKS kubeconfig needs anyway.
 */

/** Environment the script reads: REGION, CLUSTER, NODEGROUP, MIN_SIZE, MAX_SIZE. */
export const NODEGROUP_SCALING_SCRIPT = `set -euo pipefail
read -r min max desired < <(aws eks describe-nodegroup --region "$REGION" --cluster-name "$CLUSTER" --nodegroup-name "$NODEGROUP" \\
  --query 'nodegroup.scalingConfig.[minSize,maxSize,desiredSize]' --output text)
target=$desired
if (( target < MIN_SIZE )); then target=$MIN_SIZE; fi
if (( target > MAX_SIZE )); then target=$MAX_SIZE; fi
if [[ "$min" == "$MIN_SIZE" && "$max" == "$MAX_SIZE" && "$desired" == "$target" ]]; then
  echo "$NODEGROUP: min $min, max $max, desired $desired already"
  exit 0
fi
echo "$NODEGROUP: min $min -> $MIN_SIZE, max $max -> $MAX_SIZE, desired $desired -> $target"
aws eks update-nodegroup-config --region "$REGION" --cluster-name "$CLUSTER" --nodegroup-name "$NODEGROUP" \\
  --scaling-config "minSize=$MIN_SIZE,maxSize=$MAX_SIZE,desiredSize=$target"
aws eks wait nodegroup-active --region "$REGION" --cluster-name "$CLUSTER" --nodegroup-name "$NODEGROUP"
`;
