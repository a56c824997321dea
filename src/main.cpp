#include "txmail/cli/app.h"

int main(int argc, char** argv) {
    return txmail::cli::run(argc, argv);
}
